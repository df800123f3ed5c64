import Foundation
import RelayPolicy
import Testing

/// Rejected policy files: YAML syntax, wrong types, unknown and missing keys (file, line, reason).
struct PolicyLoadErrorTests {
    // MARK: YAML syntax

    @Test func yamlSyntaxErrorsCarryTheLineOfTheProblem() {
        expectRejected(
            """
            version: "1"
            rules:
              - name: a
                action: allow: now
            """, line: 4, "YAML syntax error: mapping values are not allowed in this context")
        expectRejected(
            """
            version: "1"
            rules:
              - name: "unterminated
                action: allow
            """, line: 4, "YAML syntax error: found unexpected end of stream (while scanning a quoted scalar at line 3, column 11)")
        expectRejected(
            """
            version: "1"
            rules:
              - name: a
               action: allow
            """, line: 4, "YAML syntax error:")
        expectRejected(
            """
            version: "1"
            rules:
            \t- name: a
            """, line: 3, "YAML syntax error:")
    }

    @Test func duplicateYamlKeysAreRejected() {
        expectRejected(
            """
            version: "1"
            rules:
              - name: a
                action: allow
                action: deny
            """, line: 4, "duplicate key 'action'")
        expectRejected(
            """
            version: "1"
            version: "2"
            rules: [{name: a, action: allow}]
            """, line: 1, "duplicate key 'version'")
    }

    @Test func keysThatYamlTypesDifferentlyAreStillDuplicates() {
        // `on` (a YAML 1.1 boolean) and "on" (a string) are the same literal key to us.
        expectRejected(
            """
            version: "1"
            rules:
              - name: a
                parameter_constraints:
                  on: {min: 1}
                  "on": {max: 2}
                action: allow
            """, line: 6, "rules[0].parameter_constraints: duplicate key 'on' (first at line 5)")
    }

    @Test func emptyFileAndNonMappingDocumentsAreRejected() {
        let empty = PolicyFixtures.parseError("# only a comment\n", file: policyTestFile)
        #expect(empty == PolicyLoadError(file: policyTestFile, line: nil, reason: "file is empty (expected a mapping with 'version' and 'rules')"))
        expectRejected("- a\n- b\n", line: 1, "expected a mapping at top level, got a list")
        expectRejected("just text\n", line: 1, "expected a mapping at top level, got string 'just text'")
        expectRejected(
            """
            version: "1"
            rules: [{name: a, action: allow}]
            ---
            version: "2"
            """, line: 3, "YAML syntax error: but found another document")
    }

    // MARK: Wrong types

    @Test func actionMustBeAllowOrDeny() {
        expectRejected(
            """
            version: "1"
            rules:
              - name: a
                action: allow
              - name: b
                action: allow
              - name: c
                action: permit
            """, line: 8, "rules[2].action: expected 'allow' or 'deny', got 'permit'")
        expectRejected(
            """
            version: "1"
            rules:
              - name: a
                action: Allow
            """, line: 4, "rules[0].action: expected 'allow' or 'deny', got 'Allow'")
        expectRejected(
            """
            version: "1"
            rules:
              - name: a
                action: [allow]
            """, line: 4, "rules[0].action: expected 'allow' or 'deny', got a list")
        expectRejected(
            """
            version: "1"
            rules:
              - name: a
                action: yes
            """, line: 4, "rules[0].action: expected 'allow' or 'deny', got boolean yes")
    }

    @Test func versionMustBeANonEmptyString() {
        expectRejected(
            """
            version: 1.0
            rules: [{name: a, action: allow}]
            """, line: 1, "version: expected a string, got number 1.0 (quote it to make it a string)")
        expectRejected(
            """
            version: ""
            rules: [{name: a, action: allow}]
            """, line: 1, "version: must not be empty")
        expectRejected(
            """
            description: [x]
            version: "1"
            rules: [{name: a, action: allow}]
            """, line: 1, "description: expected a string, got a list")
    }

    @Test func structureMustHaveTheRightShapes() {
        expectRejected(
            """
            version: "1"
            rules:
              name: a
              action: allow
            """, line: 3, "rules: expected a list of rules, got a mapping")
        expectRejected(
            """
            version: "1"
            rules:
              - allow_everything
            """, line: 3, "rules[0]: expected a mapping, got string 'allow_everything'")
        expectRejected(
            """
            version: "1"
            rules:
              - name: a
                condition: [provider, stripe]
                action: allow
            """, line: 4, "rules[0].condition: expected a mapping, got a list")
        expectRejected(
            """
            version: "1"
            rules:
              - name: a
                parameter_constraints:
                  amount: 5000
                action: allow
            """, line: 5, "rules[0].parameter_constraints.amount: expected a mapping, got number 5000")
        expectRejected(
            """
            version: "1"
            rules:
              - name: a
                parameter_constraints:
                  amount: {}
                action: allow
            """, line: 5, "rules[0].parameter_constraints.amount: empty constraint (expected at least one of: min, max, gt, lt, equals, in, not_in)")
        expectRejected(
            """
            version: "1"
            rules:
              - name: a
                condition:
                action: allow
            """, line: 4, "rules[0].condition: expected a mapping, got an empty value")
    }

    @Test func ruleNamesMustBeSimpleIdentifiers() {
        expectRejected(
            """
            version: "1"
            rules:
              - name: "allow small payments"
                action: allow
            """, line: 3, "rules[0].name: 'allow small payments' is not a valid rule name (use letters, digits, '_', '-' and '.')")
        expectRejected(
            """
            version: "1"
            rules:
              - name: 12
                action: allow
            """, line: 3, "rules[0].name: expected a string, got number 12")
    }

    // MARK: Unknown keys

    @Test func unknownKeysAreRejectedAtEveryLevel() {
        expectRejected(
            """
            version: "1"
            rule:
              - name: a
                action: allow
            """, line: 2,
            "unknown key 'rule' at top level (expected one of: version, description, rules); did you mean 'rules'?")
        expectRejected(
            """
            version: "1"
            rules:
              - name: x
                condtion: {provider: stripe}
                action: allow
            """, line: 4,
            "unknown key 'condtion' in rule 'x' (expected one of: name, description, condition, parameter_constraints, action, reason); did you mean 'condition'?")
        expectRejected(
            """
            version: "1"
            rules:
              - action: allow
                when: always
            """, line: 4, "unknown key 'when' in rules[0] (expected one of:")
        expectRejected(
            """
            version: "1"
            rules:
              - name: x
                condition:
                  provider: stripe
                  user_id: u1
                action: allow
            """, line: 6,
            "unknown key 'user_id' in the condition of rule 'x' (expected one of: provider, method, environment, agent_id, org_id)")
        expectRejected(
            """
            version: "1"
            rules:
              - name: x
                parameter_constraints:
                  amount:
                    max: 5000
                    maximum: 6000
                action: allow
            """, line: 7,
            "unknown key 'maximum' in the constraint on parameter 'amount' of rule 'x' (expected one of: min, max, gt, lt, equals, in, not_in)")
        expectRejected(
            """
            version: "1"
            rules:
              - name: x
                parameter_constraints:
                  amount: {notin: [1]}
                action: allow
            """, line: 5, "did you mean 'not_in'?")
    }

    // MARK: Missing keys and empty rules

    @Test func missingRequiredKeysAreNamed() {
        expectRejected("rules: [{name: a, action: allow}]\n", line: 1, "missing required key 'version' at top level")
        expectRejected("# policies\nversion: \"1\"\n", line: 2, "missing required key 'rules' at top level")
        expectRejected(
            """
            version: "1"
            rules:
              - name: a
                action: allow
              - description: "no name"
                action: allow
            """, line: 5, "missing required key 'name' in rules[1]")
        expectRejected(
            """
            version: "1"
            rules:
              - name: a
                condition: {provider: stripe}
            """, line: 3, "missing required key 'action' in rule 'a'")
    }

    @Test func emptyRuleListIsRejected() {
        expectRejected("version: \"1\"\nrules: []\n", line: 2, "rules: must contain at least one rule")
        expectRejected("version: \"1\"\nrules:\n", line: 2, "rules: expected a list of rules, got an empty value")
    }

    @Test func denyRulesNeedANonEmptyReason() {
        expectRejected(
            """
            version: "1"
            rules:
              - name: ok
                action: allow
              - name: block
                condition: {provider: stripe}
                action: deny
            """, line: 5, "missing required key 'reason' in rule 'block' (a deny rule must say why)")
        expectRejected(
            """
            version: "1"
            rules:
              - name: block
                action: deny
                reason: ""
            """, line: 5, "rules[0].reason: must not be empty for a deny rule")
        expectRejected(
            """
            version: "1"
            rules:
              - name: block
                action: deny
                reason: 42
            """, line: 5, "rules[0].reason: expected a string, got number 42")
    }
}
