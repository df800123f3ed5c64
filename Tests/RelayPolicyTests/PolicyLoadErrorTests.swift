import Foundation
import RelayPolicy
import RelayTestSupport
import Testing

/// Every class of rejected policy file, with the exact file, line and reason.
struct PolicyLoadErrorTests {
    private static let file = "policies/test.yaml"

    /// Asserts that `yaml` is rejected at `line` with a reason containing `reason`.
    private func expectRejected(
        _ yaml: String, line: Int?, _ reason: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        guard let error = PolicyFixtures.parseError(yaml, file: Self.file) else {
            Issue.record("accepted, expected: \(reason)", sourceLocation: sourceLocation)
            return
        }
        #expect(error.file == Self.file, sourceLocation: sourceLocation)
        #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
        #expect(error.reason.contains(reason), "\(error)", sourceLocation: sourceLocation)
    }

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
        let empty = PolicyFixtures.parseError("# only a comment\n", file: Self.file)
        #expect(empty == PolicyLoadError(file: Self.file, line: nil, reason: "file is empty (expected a mapping with 'version' and 'rules')"))
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

    // MARK: Constraint values

    @Test func numericBoundsMustBePlainDecimalNumbers() {
        let cases: [(String, String)] = [
            ("max: \"5000\"", "rules[0].parameter_constraints.amount.max: expected a number, got string '5000'"),
            ("min: abc", "rules[0].parameter_constraints.amount.min: expected a number, got string 'abc'"),
            ("gt: true", "rules[0].parameter_constraints.amount.gt: expected a number, got boolean true"),
            ("lt: [1]", "rules[0].parameter_constraints.amount.lt: expected a number, got a list"),
            ("max: null", "rules[0].parameter_constraints.amount.max: expected a number, got null"),
            ("max: 5_000", "rules[0].parameter_constraints.amount.max: '5_000' is not a plain decimal number"),
            ("max: 0x10", "'0x10' is not a plain decimal number"),
            ("max: 0o17", "'0o17' is not a plain decimal number"),
            ("max: 017", "'017' is not a plain decimal number"),
            ("max: 1:30", "'1:30' is not a plain decimal number"),
            ("max: +5", "'+5' is not a plain decimal number"),
            ("max: .5", "'.5' is not a plain decimal number"),
            ("max: 5.", "'5.' is not a plain decimal number"),
            ("max: .inf", "'.inf' is not a plain decimal number"),
            ("max: .nan", "'.nan' is not a plain decimal number"),
            ("max: 1e999", "'1e999' is not a plain decimal number"),
            ("max: 2024-01-01", "expected a number, got timestamp 2024-01-01"),
        ]
        for (constraint, reason) in cases {
            expectRejected(
                """
                version: "1"
                rules:
                  - name: r
                    parameter_constraints:
                      amount:
                        \(constraint)
                    action: allow
                """, line: 6, reason)
        }
    }

    @Test func plainDecimalNumbersInAllFormsAreAccepted() throws {
        for (text, value) in [("0", 0.0), ("-0", -0.0), ("5000", 5000), ("-12.25", -12.25), ("1e3", 1000), ("2.5E-2", 0.025), ("1e+2", 100)] {
            let file = try PolicySet.parse(
                yaml: "version: \"1\"\nrules: [{name: r, action: allow, parameter_constraints: {x: {min: \(text)}}}]\n",
                file: "p.yaml")
            #expect(file.rules[0].parameterConstraints["x"]?.min == value, "\(text)")
        }
    }

    @Test func inAndNotInMustBeListsOfScalars() {
        expectRejected(
            """
            version: "1"
            rules:
              - name: r
                parameter_constraints:
                  currency: {in: usd}
                action: allow
            """, line: 5, "rules[0].parameter_constraints.currency.in: expected a list of scalars, got string 'usd'")
        expectRejected(
            """
            version: "1"
            rules:
              - name: r
                parameter_constraints:
                  currency:
                    not_in: {usd: 1}
                action: allow
            """, line: 6, "rules[0].parameter_constraints.currency.not_in: expected a list of scalars, got a mapping")
        expectRejected(
            """
            version: "1"
            rules:
              - name: r
                parameter_constraints:
                  currency:
                    in:
                      - usd
                      - [eur]
                action: allow
            """, line: 8, "rules[0].parameter_constraints.currency.in[1]: expected a scalar (string, number, boolean or null), got a list")
    }

    @Test func ambiguousYamlScalarsAreRejectedInValueLists() {
        expectRejected(
            """
            version: "1"
            rules:
              - name: r
                parameter_constraints:
                  confirm: {equals: yes}
                action: allow
            """, line: 5, "rules[0].parameter_constraints.confirm.equals: 'yes' is ambiguous (a YAML 1.1 boolean); write true or false, or quote it to make it a string")
        expectRejected(
            """
            version: "1"
            rules:
              - name: r
                parameter_constraints:
                  code: {in: [1, 0x1F]}
                action: allow
            """, line: 5, "rules[0].parameter_constraints.code.in[1]: '0x1F' is not a plain decimal number")
        expectRejected(
            """
            version: "1"
            rules:
              - name: r
                parameter_constraints:
                  day: {equals: 2024-01-01}
                action: allow
            """, line: 5, "rules[0].parameter_constraints.day.equals: '2024-01-01' is ambiguous; quote it to make it a string")
    }

    // MARK: Conditions

    @Test func conditionValuesMustBeStrings() {
        expectRejected(
            """
            version: "1"
            rules:
              - name: r
                condition:
                  provider: stripe
                  org_id: 123
                action: allow
            """, line: 6, "rules[0].condition.org_id: expected a string, got number 123 (quote it to make it a string)")
        expectRejected(
            """
            version: "1"
            rules:
              - name: r
                condition:
                  environment: [staging, production]
                action: allow
            """, line: 5, "rules[0].condition.environment: expected a string, got a list")
        expectRejected(
            """
            version: "1"
            rules:
              - name: r
                condition: {environment: on}
                action: allow
            """, line: 4, "rules[0].condition.environment: expected a string, got boolean on")
        expectRejected(
            """
            version: "1"
            rules:
              - name: r
                condition: {agent_id: }
                action: allow
            """, line: 4, "rules[0].condition.agent_id: expected a string, got an empty value")
    }

    @Test func providerAndMethodConditionsThatCanNeverMatchAreRejected() {
        expectRejected(
            """
            version: "1"
            rules:
              - name: r
                condition: {provider: Stripe}
                action: allow
            """, line: 4, "rules[0].condition.provider: 'Stripe' can never match: the gateway lower-cases provider values")
        expectRejected(
            """
            version: "1"
            rules:
              - name: r
                condition: {method: "create payment"}
                action: allow
            """, line: 4, "rules[0].condition.method: 'create payment' can never match")
    }

    // MARK: Across files and directories

    @Test func duplicateRuleNamesAcrossFilesNameBothLocations() throws {
        let error = try PolicyFixtures.withDirectory([
            "a.yaml": "version: \"1\"\nrules:\n  - name: first\n    action: allow\n  - name: shared\n    action: allow\n",
            "b.yaml": "version: \"1\"\nrules:\n  - name: other\n    action: allow\n\n  - name: shared\n    action: deny\n    reason: r\n",
        ]) { directory in
            (PolicyFixtures.loadError(directory: directory), directory)
        }
        let (loadError, directory) = error
        #expect(
            loadError
                == PolicyLoadError(
                    file: directory + "/b.yaml", line: 6,
                    reason: "duplicate rule name 'shared' (first defined at \(directory)/a.yaml:5)"))
    }

    @Test func duplicateRuleNamesInOneFileNameBothLocations() {
        expectRejected(
            """
            version: "1"
            rules:
              - name: same
                action: allow
              - name: same
                action: deny
                reason: r
            """, line: 5, "duplicate rule name 'same' (first defined at policies/test.yaml:3)")
    }

    @Test func errorsInDirectoryFilesUseTheDirectoryPath() throws {
        let result = try PolicyFixtures.withDirectory([
            "finance.yaml": "version: \"1\"\nrules:\n  - name: x\n    condtion: {provider: stripe}\n    action: allow\n"
        ]) { directory in
            (PolicyFixtures.loadError(directory: directory), directory)
        }
        let (error, directory) = result
        #expect(error?.file == directory + "/finance.yaml")
        #expect(error?.line == 4)
        #expect(
            error?.description
                == "\(directory)/finance.yaml:4: unknown key 'condtion' in rule 'x' (expected one of: name, description, "
                + "condition, parameter_constraints, action, reason); did you mean 'condition'?")
    }

    @Test func directoryWithoutPolicyFilesIsRejected() throws {
        let result = try PolicyFixtures.withDirectory(["README.md": "x", ".hidden.yaml": "x", "policy.yaml.bak": "x"]) {
            (PolicyFixtures.loadError(directory: $0), $0)
        }
        #expect(result.0 == PolicyLoadError(file: result.1, line: nil, reason: "no policy files (*.yaml, *.yml) found"))
    }

    @Test func missingDirectoryIsRejected() {
        let directory = "/nonexistent/relay-policies-\(UUID().uuidString)"
        let error = PolicyFixtures.loadError(directory: directory)
        #expect(error?.file == directory)
        #expect(error?.line == nil)
        #expect(error?.reason.hasPrefix("cannot read policy directory") == true)
    }

    @Test func invalidUTF8IsRejected() throws {
        try TemporaryDirectory.with(prefix: "relay-policy-") { directory in
            try Data([0x76, 0x3A, 0x20, 0xFF, 0x0A]).write(to: directory.url.appendingPathComponent("bad.yaml"))
            #expect(
                PolicyFixtures.loadError(directory: directory.path)
                    == PolicyLoadError(file: directory.path("bad.yaml"), line: nil, reason: "file is not valid UTF-8"))
        }
    }

    @Test func oneBadFileRejectsTheWholeDirectory() throws {
        let result = try PolicyFixtures.withDirectory([
            "a.yaml": "version: \"1\"\nrules: [{name: a, action: allow}]\n",
            "b.yml": "version: \"1\"\nrules: []\n",
        ]) { (PolicyFixtures.loadError(directory: $0), $0) }
        #expect(result.0 == PolicyLoadError(file: result.1 + "/b.yml", line: 2, reason: "rules: must contain at least one rule"))
    }

    @Test func byteOrderMarkIsAcceptedAndLinesStillCount() throws {
        let file = try PolicySet.parse(yaml: "\u{FEFF}version: \"1\"\nrules:\n  - name: a\n    action: allow\n", file: "bom.yaml")
        #expect(file.rules.first?.location.line == 3)
        expectRejected("\u{FEFF}version: \"1\"\nrules:\n  - name: a\n    action: permit\n", line: 4, "rules[0].action")
    }

    @Test func windowsLineEndingsKeepLineNumbers() throws {
        let yaml = "version: \"1\"\r\nrules:\r\n  - name: a\r\n    action: allow\r\n  - name: b\r\n    action: permit\r\n"
        expectRejected(yaml, line: 6, "rules[1].action: expected 'allow' or 'deny', got 'permit'")
    }

    @Test func descriptionFormatsWithAndWithoutALine() {
        #expect(PolicyLoadError(file: "f.yaml", line: 12, reason: "r").description == "f.yaml:12: r")
        #expect(PolicyLoadError(file: "dir", line: nil, reason: "r").description == "dir: r")
    }
}
