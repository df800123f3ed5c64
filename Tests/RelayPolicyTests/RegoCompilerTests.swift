import RelayCore
import RelayPolicy
import Testing

/// The text of the generated Rego: structure, escaping, determinism. Its behaviour against the
/// real OPA engine is covered by OPADifferentialTests.
struct RegoCompilerTests {
    let shipped: PolicySet
    let modules: RegoModules

    init() throws {
        shipped = try PolicySet.load(directory: PolicyFixtures.shippedPolicyDirectory)
        modules = RegoCompiler.compile(shipped)
    }

    @Test func modulesHaveTheRelayPackagesIDsAndVersion() {
        #expect(modules.main.id == "relay-main")
        #expect(modules.metadata.id == "relay-metadata")
        #expect(modules.main.text.contains("\npackage relay.policies.main\n"))
        #expect(modules.metadata.text.contains("\npackage relay.metadata\n"))
        #expect(modules.metadata.text.contains("\nversion := \"\(shipped.version)\"\n"))
        #expect(modules.main.text.contains("\npolicy_version := \"\(shipped.version)\"\n"))
        #expect(modules.all.map(\.id) == ["relay-main", "relay-metadata"])
    }

    @Test func shippedDenyRuleBecomesABooleanRuleWithANumberGuard() {
        let rule = """
            default rule_0_deny_large_payments := false

            rule_0_deny_large_payments if {
            \tinput.action.provider == "stripe"
            \tinput.action.method == "create_payment"
            \tp0 := input.action.parameters["amount"]
            \tis_number(p0)
            \tp0 > 5000
            }
            """
        #expect(modules.main.text.contains(rule))
        #expect(modules.main.text.contains("[rule_0_deny_large_payments, \"Payment amount exceeds $50.00 limit\"],"))
        #expect(modules.main.text.contains("allowed if rule_1_allow_small_payments"))
        #expect(modules.main.text.contains("} else := \"No policy matched\""))
    }

    @Test func everyConstraintKindIsCompiled() throws {
        let policies = try PolicyFixtures.policies(
            """
            version: "2"
            rules:
              - name: all-kinds.1
                parameter_constraints:
                  x: {min: -1.5, max: 1.0e+300, gt: 0, lt: 0.1, equals: 5, in: ["a", 1, true, null], not_in: []}
                action: allow
            """)
        let text = RegoCompiler.compile(policies).main.text
        let body = """
            rule_0_all_kinds_1 if {
            \tp0 := input.action.parameters["x"]
            \tis_number(p0)
            \tp0 >= -1.5
            \tp0 <= 1e+300
            \tp0 > 0
            \tp0 < 0.1
            \tp0 == 5
            \tp0 in ["a", 1, true, null]
            \tnot p0 in []
            }
            """
        #expect(text.contains(body))
        #expect(text.contains("deny_reasons := []"))
    }

    @Test func stringsAreEscapedToPrintableASCII() throws {
        let policies = try PolicyFixtures.policies(
            """
            version: "1.0 \\"q\\" ü"
            rules:
              - name: tricky
                condition: {environment: "\\"}\\nallow := true #😀"}
                parameter_constraints:
                  "名前\\\\": {equals: "é\\t"}
                action: deny
                reason: "a \\"b\\" \\\\ c\\u0001"
            """)
        let text = RegoCompiler.compile(policies).main.text
        #expect(text.unicodeScalars.allSatisfy { $0 == "\n" || $0 == "\t" || (0x20..<0x7F).contains($0.value) })
        #expect(text.contains(#"input.environment == "\"}\nallow := true #\ud83d\ude00""#))
        #expect(text.contains(#"p0 := input.action.parameters["\u540d\u524d\\"]"#))
        #expect(text.contains(#"p0 == "\u00e9\t""#))
        #expect(text.contains(#"[rule_0_tricky, "a \"b\" \\ c\u0001"],"#))
        #expect(text.contains(#"policy_version := "1.0 \"q\" \u00fc+"#))
        // A multi-line string never leaks into a comment line.
        #expect(!text.contains("\nallow := true"))
    }

    @Test func ruleIdentifiersAreRegoSafeAndUnique() throws {
        let policies = try PolicyFixtures.policies(
            """
            version: "1"
            rules:
              - {name: a-b, action: allow}
              - {name: a.b, action: allow}
              - {name: a_b, action: deny, reason: "x"}
            """)
        let text = RegoCompiler.compile(policies).main.text
        #expect(text.contains("rule_0_a_b if true"))
        #expect(text.contains("rule_1_a_b if true"))
        #expect(text.contains("rule_2_a_b if true"))
        #expect(text.contains("allowed if rule_0_a_b\nallowed if rule_1_a_b\n"))
    }

    @Test func compilingTwiceGivesTheSameText() throws {
        let again = RegoCompiler.compile(try PolicySet.load(directory: PolicyFixtures.shippedPolicyDirectory))
        #expect(again == modules)
    }
}
