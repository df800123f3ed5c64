import RelayCore
import RelayPolicy
import Testing

/// Each constraint operator, at and around its boundaries, both parsed from YAML and evaluated.
struct ParameterConstraintTests {
    /// Whether a one-rule allow policy with `x: <constraint>` approves `x = value` (nil: x absent).
    private static func satisfies(_ constraint: String, _ value: JSONValue?) throws -> Bool {
        let policies = try PolicyFixtures.policies(
            """
            version: "1"
            rules:
              - name: r
                parameter_constraints:
                  x: \(constraint)
                action: allow
            """)
        var parameters: [String: JSONValue] = ["other": 1]
        parameters["x"] = value
        return policies.evaluate(PolicyFixtures.input(parameters: parameters)).approved
    }

    static let cases: [(constraint: String, value: JSONValue?, satisfied: Bool)] = [
        // min: inclusive lower bound
        ("{min: 10}", 9.999, false), ("{min: 10}", 10, true), ("{min: 10}", 10.0, true), ("{min: 10}", 10.001, true),
        ("{min: -5}", -5, true), ("{min: -5}", -5.5, false), ("{min: 0}", -0.0, true),
        // max: inclusive upper bound
        ("{max: 10}", 10, true), ("{max: 10}", 10.001, false), ("{max: 10}", 9, true), ("{max: 10}", -1e300, true),
        ("{max: 1.5e3}", 1500, true), ("{max: 1.5e3}", 1500.5, false),
        // gt: exclusive lower bound
        ("{gt: 10}", 10, false), ("{gt: 10}", 10.000001, true), ("{gt: 10}", 9, false), ("{gt: 10}", 11, true),
        // lt: exclusive upper bound
        ("{lt: 10}", 10, false), ("{lt: 10}", 9.999999, true), ("{lt: 10}", 11, false), ("{lt: 0}", -0.0, false),
        // combined bounds: all must hold
        ("{min: 1, max: 3}", 0, false), ("{min: 1, max: 3}", 1, true), ("{min: 1, max: 3}", 3, true),
        ("{min: 1, max: 3}", 4, false), ("{gt: 1, lt: 3}", 1, false), ("{gt: 1, lt: 3}", 2, true),
        ("{gt: 1, lt: 3}", 3, false), ("{min: 5, max: 1}", 3, false),
        // numeric bounds are only satisfied by numbers
        ("{max: 10}", "5", false), ("{min: 0}", "5", false), ("{gt: 0}", true, false), ("{lt: 10}", false, false),
        ("{max: 10}", .null, false), ("{max: 10}", [5], false), ("{max: 10}", ["n": 5], false),
        ("{min: 0}", nil, false),
        // equals: exact JSON equality
        ("{equals: 5}", 5, true), ("{equals: 5}", 5.0, true), ("{equals: 5.0}", 5, true), ("{equals: 5}", 5.0001, false),
        ("{equals: 5}", "5", false), ("{equals: \"5\"}", "5", true), ("{equals: \"5\"}", 5, false),
        ("{equals: usd}", "usd", true), ("{equals: usd}", "USD", false), ("{equals: usd}", "usd ", false),
        ("{equals: true}", true, true), ("{equals: true}", 1, false), ("{equals: true}", "true", false),
        ("{equals: false}", false, true), ("{equals: null}", .null, true), ("{equals: null}", nil, false),
        ("{equals: null}", "null", false), ("{equals: \"\"}", "", true), ("{equals: 0}", -0.0, true),
        ("{equals: \"café\"}", "café", true), ("{equals: \"caf\\u00e9\"}", "cafe\u{301}", false),
        ("{equals: 5}", [5], false), ("{equals: usd}", nil, false),
        // in: membership
        ("{in: [usd, eur]}", "usd", true), ("{in: [usd, eur]}", "eur", true), ("{in: [usd, eur]}", "gbp", false),
        ("{in: [1, 2]}", 2.0, true), ("{in: [1, 2]}", "2", false), ("{in: [1, 2]}", 1.5, false),
        ("{in: [true, null, x]}", .null, true), ("{in: [true, null, x]}", true, true), ("{in: [true, null, x]}", false, false),
        ("{in: []}", "usd", false), ("{in: [usd]}", nil, false), ("{in: [usd]}", ["usd"], false),
        // not_in: non-membership, but the parameter must be present
        ("{not_in: [usd, eur]}", "gbp", true), ("{not_in: [usd, eur]}", "usd", false), ("{not_in: [1]}", 1.0, false),
        ("{not_in: [1]}", "1", true), ("{not_in: [1]}", 2, true), ("{not_in: []}", "anything", true),
        ("{not_in: [usd]}", nil, false), ("{not_in: [null]}", .null, false), ("{not_in: [usd]}", .null, true),
        // mixed operators: all must hold
        ("{min: 0, not_in: [13]}", 13, false), ("{min: 0, not_in: [13]}", 12, true), ("{max: 10, in: [5, 20]}", 20, false),
        ("{max: 10, in: [5, 20]}", 5, true), ("{equals: 3, gt: 3}", 3, false),
    ]

    @Test(arguments: cases)
    func constraintIsSatisfiedExactlyAtItsBoundaries(_ testCase: (constraint: String, value: JSONValue?, satisfied: Bool)) throws {
        #expect(try Self.satisfies(testCase.constraint, testCase.value) == testCase.satisfied)
    }

    @Test func emptyConstraintValueIsSatisfiedOnlyByPresentValues() {
        // Built directly (the loader rejects empty constraints): presence is still required.
        let constraint = ParameterConstraint()
        #expect(constraint.isSatisfied(by: .null))
        #expect(!constraint.isSatisfied(by: nil))
    }

    @Test func parsedConstraintCarriesEveryOperator() throws {
        let file = try PolicySet.parse(
            yaml: """
                version: "1"
                rules:
                  - name: r
                    parameter_constraints:
                      a: {min: 1, max: 2.5, gt: -3, lt: 1e2}
                      b: {equals: "x", in: [1, "1", true, null], not_in: [false]}
                    action: allow
                """, file: "p.yaml")
        let constraints = file.rules[0].parameterConstraints
        #expect(constraints["a"] == ParameterConstraint(min: 1, max: 2.5, gt: -3, lt: 100))
        #expect(constraints["b"] == ParameterConstraint(equals: "x", in: [1, "1", true, .null], notIn: [false]))
    }

    @Test func parameterNamesAreLiteralKeysNotPaths() throws {
        let policies = try PolicyFixtures.policies(
            """
            version: "1"
            rules:
              - name: r
                parameter_constraints:
                  card.last4: {equals: "4242"}
                action: allow
            """)
        #expect(policies.evaluate(PolicyFixtures.input(parameters: ["card.last4": "4242"])).approved)
        #expect(!policies.evaluate(PolicyFixtures.input(parameters: ["card": ["last4": "4242"]])).approved)
    }
}
