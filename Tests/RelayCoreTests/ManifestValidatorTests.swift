import RelayCore
import Testing

struct ManifestValidatorTests {
    private let now = Timestamp(microseconds: 1_795_748_021_000_000)

    private func errors(_ value: JSONValue) -> [String] {
        switch ManifestValidator.validate(value, at: ["body", "manifest"], now: now) {
        case .success: []
        case .failure(let e): e.errors.map { $0.loc.dropFirst(2).joined(separator: ".") + ":" + $0.type }
        }
    }

    private let valid: JSONValue = [
        "agent": ["agent_id": "a", "org_id": "o"],
        "action": ["provider": "Stripe", "method": "Create_Payment", "parameters": ["amount": 1]],
        "justification": ["reasoning": "why"],
    ]

    @Test func aMinimalManifestGetsDefaults() throws {
        let m = try ManifestValidator.validate(valid, at: [], now: now).get()
        #expect(m.version == "1.0")
        #expect(m.environment == "production")
        #expect(m.timestamp == now)
        #expect(m.action.provider == "stripe")
        #expect(m.action.method == "create_payment")
    }

    @Test func wrongTypesAreNamedPerField() {
        var v = valid.objectValue!
        v["agent"] = ["agent_id": 1, "org_id": .null]
        v["justification"] = ["reasoning": "x", "confidence_score": "high"]
        #expect(Set(errors(.object(v))) == [
            "agent.agent_id:type_error.str", "agent.org_id:value_error.missing",
            "justification.confidence_score:type_error.float",
        ])
    }

    @Test(arguments: ["stripe.com", "str ipe", "ströpe", ""])
    func providerMustBeAlphanumericUnderscoreOrDash(provider: String) {
        var v = valid.objectValue!
        v["action"] = ["provider": .string(provider), "method": "m", "parameters": [:]]
        #expect(errors(.object(v)).count == 1)
    }

    @Test func confidenceMustBeBetweenZeroAndOne() {
        var v = valid.objectValue!
        v["justification"] = ["reasoning": "x", "confidence_score": 1.01]
        #expect(errors(.object(v)) == ["justification.confidence_score:value_error.number.range"])
        v["justification"] = ["reasoning": "x", "confidence_score": 1]
        #expect(errors(.object(v)).isEmpty)
    }

    @Test func policyInputHasTheDocumentedShape() throws {
        let m = try ManifestValidator.validate(valid, at: [], now: now).get()
        let input = m.policyInput
        #expect(Set(input.objectValue!.keys) == ["manifest_id", "timestamp", "agent", "action", "justification", "environment"])
        #expect(input["action"]?["provider"] == "stripe")
        #expect(input["agent"]?["org_id"] == "o")
    }
}
