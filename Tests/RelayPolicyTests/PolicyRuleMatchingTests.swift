import RelayCore
import RelayPolicy
import Testing

/// How rules combine: conditions, deny overriding allow, and which deny reason is reported.
struct PolicyRuleMatchingTests {
    @Test func denyOverridesAnEarlierMatchingAllow() throws {
        let policies = try PolicyFixtures.policies(
            """
            version: "1"
            rules:
              - name: allow_everything
                action: allow
              - name: deny_refunds
                condition: {method: create_refund}
                action: deny
                reason: "No refunds"
            """)
        #expect(policies.evaluate(PolicyFixtures.input(method: "create_payment")).approved)
        let refund = policies.evaluate(PolicyFixtures.input(method: "create_refund"))
        #expect(refund == PolicyDecision(approved: false, reason: "No refunds", policyVersion: policies.version))
    }

    @Test func firstMatchingDenyInFileOrderGivesTheReason() throws {
        let policies = try PolicyFixtures.policies(
            """
            version: "1"
            rules:
              - name: allow_all
                action: allow
              - name: deny_not_matching
                condition: {method: other}
                action: deny
                reason: "never"
              - name: deny_first
                condition: {provider: stripe}
                action: deny
                reason: "first"
              - name: deny_second
                action: deny
                reason: "second"
            """)
        #expect(policies.evaluate(PolicyFixtures.input()).reason == "first")
        #expect(policies.evaluate(PolicyFixtures.input(provider: "aws")).reason == "second")
    }

    @Test func firstDenyAcrossFilesFollowsFileNameOrder() throws {
        let deny: (String) -> String = { reason in
            """
            version: "1"
            rules:
              - name: deny_\(reason)
                action: deny
                reason: "\(reason)"
            """
        }
        // Created in reverse order on purpose: the order is by name, not by creation or listing.
        let reason = try PolicyFixtures.withDirectory(["b.yaml": deny("b"), "a.yml": deny("a"), "c.yaml": deny("c")]) {
            try PolicySet.load(directory: $0).evaluate(PolicyFixtures.input()).reason
        }
        #expect(reason == "a")
        // Byte-wise order: "Z" (0x5A) sorts before "a" (0x61), "a-" before "a.".
        let names = try PolicyFixtures.withDirectory(["a.yaml": deny("x"), "Z.yaml": deny("y"), "a-b.yaml": deny("z")]) {
            try PolicySet.load(directory: $0).files.map(\.fileName)
        }
        #expect(names == ["Z.yaml", "a-b.yaml", "a.yaml"])
    }

    @Test func noMatchingRuleIsDeniedWithNoPolicyMatched() throws {
        let policies = try PolicyFixtures.policies(
            """
            version: "1"
            rules:
              - name: only_aws
                condition: {provider: aws}
                action: allow
            """)
        let decision = policies.evaluate(PolicyFixtures.input())
        #expect(decision == PolicyDecision(approved: false, reason: "No policy matched", policyVersion: policies.version))
        #expect(PolicySet.noMatchReason == "No policy matched")
    }

    @Test func everyConditionFieldReadsItsPlaceInTheInput() throws {
        let policies = try PolicyFixtures.policies(
            """
            version: "1"
            rules:
              - name: r
                condition:
                  provider: stripe
                  method: create_payment
                  environment: sandbox
                  agent_id: agent_1
                  org_id: org_1
                action: allow
            """)
        let matching = PolicyFixtures.input(environment: "sandbox", agentID: "agent_1", orgID: "org_1")
        #expect(policies.evaluate(matching).approved)
        let variants: [JSONValue] = [
            PolicyFixtures.input(provider: "paypal", environment: "sandbox", agentID: "agent_1", orgID: "org_1"),
            PolicyFixtures.input(method: "create_refund", environment: "sandbox", agentID: "agent_1", orgID: "org_1"),
            PolicyFixtures.input(environment: "production", agentID: "agent_1", orgID: "org_1"),
            PolicyFixtures.input(environment: "sandbox", agentID: "agent_2", orgID: "org_1"),
            PolicyFixtures.input(environment: "sandbox", agentID: "agent_1", orgID: "org_2"),
        ]
        for input in variants { #expect(!policies.evaluate(input).approved) }
    }

    @Test func missingOrNonStringInputFieldsNeverMatchAConditionEvenAnEmptyOne() throws {
        let policies = try PolicyFixtures.policies(
            """
            version: "1"
            rules:
              - name: r
                condition: {environment: "", org_id: "org_1"}
                action: allow
            """)
        #expect(policies.evaluate(PolicyFixtures.input(environment: "", orgID: "org_1")).approved)
        #expect(!policies.evaluate(PolicyFixtures.input(environment: nil, orgID: "org_1")).approved)
        #expect(!policies.evaluate(PolicyFixtures.input(environment: "", orgID: nil)).approved)
        var document = try #require(PolicyFixtures.input(environment: "", orgID: "org_1").objectValue)
        document["agent"] = ["org_id": 1, "agent_id": "a"]
        #expect(!policies.evaluate(.object(document)).approved)
    }

    @Test func conditionsCompareExactlyAndCaseSensitively() throws {
        let policies = try PolicyFixtures.policies(
            """
            version: "1"
            rules:
              - name: r
                condition: {agent_id: "Agent-é"}
                action: allow
            """)
        #expect(policies.evaluate(PolicyFixtures.input(agentID: "Agent-é")).approved)
        #expect(!policies.evaluate(PolicyFixtures.input(agentID: "agent-é")).approved)
        // Canonically equivalent but different bytes (e + combining acute): not equal, as in Rego.
        #expect(!policies.evaluate(PolicyFixtures.input(agentID: "Agent-e\u{301}")).approved)
    }

    @Test func ruleWithoutConditionsOrConstraintsMatchesEverything() throws {
        let policies = try PolicyFixtures.policies(
            """
            version: "1"
            rules:
              - name: catch_all
                condition: {}
                parameter_constraints: {}
                action: allow
            """)
        #expect(policies.evaluate(.null).approved)
        #expect(policies.evaluate(PolicyFixtures.input()).approved)
    }

    @Test func parsedRuleKeepsEveryFieldAndItsLocation() throws {
        let file = try PolicySet.parse(
            yaml: """
                # comment
                version: "2.1"
                description: d
                rules:
                  - name: first
                    action: allow
                    reason: "allowed because"
                  - description: "second rule"
                    name: deny.it-2
                    condition: {provider: stripe, org_id: "org_1"}
                    parameter_constraints:
                      amount: {gt: 1}
                    action: deny
                    reason: "too much"
                """, file: "dir/p.yaml")
        #expect(file.version == "2.1")
        #expect(file.description == "d")
        #expect(file.fileName == "p.yaml")
        #expect(file.rules.count == 2)
        #expect(file.rules[0] == PolicyRule(name: "first", action: .allow, reason: "allowed because", location: PolicySourceLocation(file: "dir/p.yaml", line: 5)))
        #expect(
            file.rules[1]
                == PolicyRule(
                    name: "deny.it-2", description: "second rule", condition: [.provider: "stripe", .orgID: "org_1"],
                    parameterConstraints: ["amount": ParameterConstraint(gt: 1)], action: .deny, reason: "too much",
                    location: PolicySourceLocation(file: "dir/p.yaml", line: 8)))
        #expect(file.rules[1].location.description == "dir/p.yaml:8")
    }
}
