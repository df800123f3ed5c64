import RelayCore
import RelayPolicy
import Testing

/// The shipped finance policy, evaluated through the engine the gateway uses.
struct BuiltinPolicyEngineTests {
    let engine: BuiltinPolicyEngine

    init() throws {
        engine = try BuiltinPolicyEngine.load(directory: PolicyFixtures.shippedPolicyDirectory)
    }

    private func decide(
        _ method: String = "create_payment", amount: JSONValue?, provider: String = "stripe",
        environment: String = "production"
    ) async throws -> PolicyDecision {
        var parameters: [String: JSONValue] = ["currency": "usd"]
        parameters["amount"] = amount
        return try await engine.evaluate(
            PolicyFixtures.input(provider: provider, method: method, environment: environment, parameters: parameters))
    }

    @Test func engineIsNamedBuiltinAndReportsTheShippedVersion() async throws {
        #expect(engine.name == "builtin")
        let version = try await engine.policyVersion()
        #expect(version.hasPrefix("1.0.0+"))
        #expect(version.count == "1.0.0+".count + 8)
        #expect(try await decide(amount: 1).policyVersion == version)
        #expect(try await decide(amount: 9_999_999).policyVersion == version)
    }

    @Test func paymentOfExactlyFiftyDollarsIsApproved() async throws {
        #expect(try await decide(amount: 5000) == PolicyDecision(approved: true, reason: nil, policyVersion: engine.policies.version))
    }

    @Test func paymentOneCentOverTheLimitIsDeniedWithTheLimitReason() async throws {
        let decision = try await decide(amount: 5001)
        #expect(!decision.approved)
        #expect(decision.reason == "Payment amount exceeds $50.00 limit")
    }

    @Test func fractionalAmountsAroundThePaymentLimitFallOnTheRightSide() async throws {
        #expect(try await decide(amount: 4999.99).approved)
        #expect(try await decide(amount: 5000.0).approved)
        #expect(try await decide(amount: 5000.01).reason == "Payment amount exceeds $50.00 limit")
    }

    @Test func amountGivenAsAStringMatchesNoRule() async throws {
        let decision = try await decide(amount: "5000")
        #expect(decision == PolicyDecision(approved: false, reason: "No policy matched", policyVersion: engine.policies.version))
        #expect(try await decide(amount: "9999999").reason == "No policy matched")
    }

    @Test func nonNumericAmountsOfOtherTypesMatchNoRule() async throws {
        for amount: JSONValue in [true, false, .null, [5000], ["value": 5000]] {
            #expect(try await decide(amount: amount).reason == "No policy matched", "amount \(amount)")
        }
    }

    @Test func missingAmountMatchesNoRule() async throws {
        #expect(try await decide(amount: nil).reason == "No policy matched")
        let noParameters = PolicyFixtures.input(parameters: nil)
        #expect(try await engine.evaluate(noParameters).reason == "No policy matched")
    }

    @Test func zeroIsAllowedButNegativeAmountsMatchNoPolicy() async throws {
        #expect(try await decide(amount: 0).approved)
        let negative = try await decide(amount: -1)
        #expect(!negative.approved)
        #expect(negative.reason == "No policy matched")
        #expect(try await decide(amount: -100_000).approved == false)
    }

    @Test func refundLimitIsOneHundredDollarsInclusive() async throws {
        #expect(try await decide("create_refund", amount: 10000).approved)
        #expect(try await decide("create_refund", amount: 9999.99).approved)
        let over = try await decide("create_refund", amount: 10001)
        #expect(!over.approved)
        #expect(over.reason == "Refund amount exceeds $100.00 limit")
        #expect(try await decide("create_refund", amount: "10000").reason == "No policy matched")
        #expect(try await decide("create_refund", amount: nil).reason == "No policy matched")
    }

    @Test func refundLimitDoesNotApplyToPaymentsNorPaymentLimitToRefunds() async throws {
        #expect(try await decide("create_refund", amount: 7500).approved)
        #expect(try await decide("create_payment", amount: 7500).reason == "Payment amount exceeds $50.00 limit")
    }

    @Test func stagingApprovesAnyOtherStripeMethod() async throws {
        #expect(try await decide("list_customers", amount: nil, environment: "staging").approved)
        #expect(try await decide("create_payout", amount: 1_000_000, environment: "staging").approved)
        // Even a payment without a numeric amount: no deny rule matches it.
        #expect(try await decide("create_payment", amount: "5000", environment: "staging").approved)
    }

    @Test func stagingStillDeniesPaymentsAndRefundsOverTheLimits() async throws {
        let payment = try await decide(amount: 5001, environment: "staging")
        #expect(payment.reason == "Payment amount exceeds $50.00 limit")
        #expect(!payment.approved)
        let refund = try await decide("create_refund", amount: 10001, environment: "staging")
        #expect(refund.reason == "Refund amount exceeds $100.00 limit")
    }

    @Test func productionDeniesOtherStripeMethodsWithNoPolicyMatched() async throws {
        #expect(try await decide("list_customers", amount: nil).reason == "No policy matched")
        #expect(try await decide("create_payout", amount: 100).reason == "No policy matched")
    }

    @Test func stagingDoesNotOpenOtherProviders() async throws {
        #expect(try await decide("delete_bucket", amount: nil, provider: "aws", environment: "staging").reason == "No policy matched")
    }

    @Test func inputWithoutEnvironmentIsNotStaging() async throws {
        let input = PolicyFixtures.input(method: "list_customers", environment: nil)
        #expect(try await engine.evaluate(input).reason == "No policy matched")
    }

    @Test func malformedInputDocumentsAreDeniedNotThrown() async throws {
        for input: JSONValue in [.null, "text", [1, 2], [:], ["action": "stripe"], ["action": ["parameters": 5]]] {
            let decision = try await engine.evaluate(input)
            #expect(decision.reason == "No policy matched", "input \(input)")
        }
    }
}
