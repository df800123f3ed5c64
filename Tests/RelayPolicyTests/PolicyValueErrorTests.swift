import Foundation
import RelayPolicy
import Testing

/// Rejected policy files: constraint values and conditions (file, line, reason).
struct PolicyValueErrorTests {
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
}
