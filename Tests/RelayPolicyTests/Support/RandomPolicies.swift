import Foundation
import RelayCore
import RelayPolicy
import RelayTestSupport

/// Random policy files (YAML text) and policy inputs aimed at their edges, for the differential
/// test against OPA. Everything comes from one seeded generator, so a run replays from its seed.
struct RandomPolicies {
    var rng: SplitMix64

    static let providers = ["stripe", "aws", "github", "s3-prod", "pay_pal", "x1"]
    static let methods = ["create_payment", "create_refund", "delete_bucket", "merge", "transfer"]
    static let environments = ["production", "staging", "dev", "prod ünïcode", "日本", "emoji 😀", "quote\"d", "back\\slash", "é", "e\u{301}"]
    static let agents = ["agent_1", "agent_2", "agént", "🤖 bot"]
    static let orgs = ["org_a", "org_b", "org ü", "ORG_A"]
    static let parameterNames = [
        "amount", "currency", "count", "ratio", "flag", "note", "ключ", "名前", "with space", "a.b", "é", "e\u{301}", "quote\"key",
    ]
    static let numbers: [Double] = [
        0, 1, -1, 5000, 4999.5, 10000, 0.1, 0.3, 1e300, -1e300, 1e-7, 123456.789, 9_007_199_254_740_992, -0.5, 100, 2.5,
    ]
    static let strings = [
        "usd", "eur", "5000", "", "ünïcode", "日本語", "😀", "quote\"d", "back\\slash", "line\nbreak", "tab\there", "é",
        "e\u{301}", "null", "true", "10000",
    ]
    static let reasons = [
        "Payment amount exceeds $50.00 limit", "Zu groß: “Grenze” überschritten", "拒否されました 😀",
        "quote \" and backslash \\ inside", "line\nbreak reason", "tab\treason", "e\u{301} vs é", "<b>html</b> & {json}",
    ]
    static let fileNames = ["00-base.yaml", "a.yaml", "b.yml", "m-ünï.yaml", "z.yaml", "10-late.yml"]

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    // MARK: - Policy files

    /// One to three files (name, YAML), with unique rule names across them.
    mutating func policyFiles(setIndex: Int) -> [(name: String, yaml: String)] {
        var names = Self.fileNames
        names.shuffle(using: &rng)
        let fileCount = Int.random(in: 1...3, using: &rng)
        var ruleNumber = 0
        return (0..<fileCount).map { fileIndex in
            var yaml = "version: \(yamlString("v\(setIndex).\(rng.pick(["0", "1"]))"))\n"
            if rng.chance(0.3) { yaml += "description: \(yamlString(rng.pick(Self.reasons)))\n" }
            yaml += "rules:\n"
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                yaml += rule(name: "r\(ruleNumber)\(rng.pick(["", "-x", ".y", "_z", "-Deny.2"]))")
                ruleNumber += 1
            }
            _ = fileIndex
            return (names[fileIndex], yaml)
        }
    }

    private mutating func rule(name: String) -> String {
        var yaml = "  - name: \(name)\n"
        let conditions: [(String, [String], Double)] = [
            ("provider", Self.providers, 0.6), ("method", Self.methods, 0.4), ("environment", Self.environments, 0.3),
            ("agent_id", Self.agents, 0.15), ("org_id", Self.orgs, 0.15),
        ]
        var conditionLines = ""
        for (key, pool, p) in conditions where rng.chance(p) {
            conditionLines += "      \(key): \(yamlString(rng.pick(pool)))\n"
        }
        if !conditionLines.isEmpty { yaml += "    condition:\n" + conditionLines }
        let parameterCount = rng.pick([0, 1, 1, 1, 2, 2, 3])
        var parameters = Self.parameterNames
        parameters.shuffle(using: &rng)
        // YAML (Yams) compares mapping keys as Swift strings, so "é" and "e\u{301}" would be one
        // duplicated key: keep whichever comes first.
        let dropped = rng.chance(0.5) ? "e\u{301}" : "\u{e9}"
        parameters.removeAll { $0.unicodeScalars.elementsEqual(dropped.unicodeScalars) }
        if parameterCount > 0 {
            yaml += "    parameter_constraints:\n"
            for parameter in parameters.prefix(parameterCount) {
                yaml += "      \(yamlString(parameter)): {\(constraint())}\n"
            }
        }
        if rng.chance(0.45) {
            yaml += "    action: deny\n    reason: \(yamlString(rng.pick(Self.reasons)))\n"
        } else {
            yaml += "    action: allow\n"
            if rng.chance(0.2) { yaml += "    reason: \(yamlString(rng.pick(Self.reasons)))\n" }
        }
        return yaml
    }

    /// A non-empty flow mapping of constraint kinds.
    private mutating func constraint() -> String {
        var parts: [String] = []
        while parts.isEmpty {
            for key in ["min", "max", "gt", "lt"] where rng.chance(0.25) {
                parts.append("\(key): \(yamlNumber(rng.pick(Self.numbers)))")
            }
            if rng.chance(0.15) { parts.append("equals: \(yamlScalar(scalar()))") }
            if rng.chance(0.2) { parts.append("in: [\(scalars().map(yamlScalar).joined(separator: ", "))]") }
            if rng.chance(0.2) { parts.append("not_in: [\(scalars().map(yamlScalar).joined(separator: ", "))]") }
        }
        return parts.joined(separator: ", ")
    }

    private mutating func scalar() -> JSONValue {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0..<4: .number(rng.pick(Self.numbers))
        case 4..<8: .string(rng.pick(Self.strings))
        case 8: .bool(rng.chance(0.5))
        default: .null
        }
    }

    private mutating func scalars() -> [JSONValue] {
        (0..<Int.random(in: 0...4, using: &rng)).map { _ in scalar() }
    }

    // MARK: - Inputs

    /// A policy input aimed at `policies`: mostly the fields and parameters its rules test, with
    /// values on and around every bound and list entry, plus type confusion and missing fields.
    mutating func input(for policies: PolicySet, index: Int) -> JSONValue {
        let rules = policies.rules
        func used(_ field: ConditionField) -> [String] { rules.compactMap { $0.condition[field] } }
        var parameterValues: [String: [JSONValue]] = [:]
        for rule in rules {
            for (name, constraint) in rule.parameterConstraints {
                var values: [JSONValue] = []
                for bound in [constraint.min, constraint.max, constraint.gt, constraint.lt].compactMap({ $0 }) {
                    values += [bound, bound + 1, bound - 1, bound + 0.5, bound - 0.5, -bound].map(JSONValue.number)
                    values.append(.string(CanonicalJSON.serialize(number: bound)))
                }
                values += [constraint.equals].compactMap { $0 } + (constraint.in ?? []) + (constraint.notIn ?? [])
                parameterValues[name, default: []] += values
            }
        }
        let constrained = Array(parameterValues.keys)

        var agent: [String: JSONValue] = [:]
        if !rng.chance(0.03) { agent["agent_id"] = .string(choose(used(.agentID), Self.agents)) }
        if !rng.chance(0.03) { agent["org_id"] = .string(choose(used(.orgID), Self.orgs)) }
        var action: [String: JSONValue] = [:]
        if !rng.chance(0.03) { action["provider"] = rng.chance(0.02) ? .number(5) : .string(choose(used(.provider), Self.providers)) }
        if !rng.chance(0.03) { action["method"] = .string(choose(used(.method), Self.methods)) }
        var parameters: [String: JSONValue] = [:]
        for name in constrained where rng.chance(0.8) {
            let aimed = parameterValues[name] ?? []
            parameters[name] = !aimed.isEmpty && rng.chance(0.7) ? rng.pick(aimed) : anyValue()
        }
        if rng.chance(0.3) { parameters[rng.pick(Self.parameterNames)] = anyValue() }
        switch Int.random(in: 0..<50, using: &rng) {
        case 0: break  // no parameters at all
        case 1: action["parameters"] = .array([.object(parameters)])  // not an object
        default: action["parameters"] = .object(parameters)
        }
        var document: [String: JSONValue] = [
            "manifest_id": .string("00000000-0000-4000-8000-\(String(format: "%012d", index))"),
            "timestamp": "2026-11-27T10:00:00Z",
            "agent": .object(agent),
            "action": .object(action),
            "justification": ["reasoning": "differential test", "confidence_score": 0.5],
        ]
        if !rng.chance(0.05) { document["environment"] = .string(choose(used(.environment), Self.environments)) }
        return .object(document)
    }

    /// Mostly a value the policies use, sometimes any value of the pool.
    private mutating func choose(_ used: [String], _ pool: [String]) -> String {
        !used.isEmpty && rng.chance(0.75) ? rng.pick(used) : rng.pick(pool)
    }

    /// Any JSON value: numbers (huge, tiny, negative, fractional), strings, booleans, null, containers.
    private mutating func anyValue() -> JSONValue {
        switch Int.random(in: 0..<12, using: &rng) {
        case 0..<4: .number(rng.pick(Self.numbers + [-5000, 5001, 1e300, -1e300, 1.7976931348623157e308, Double.leastNonzeroMagnitude]))
        case 4..<7: .string(rng.pick(Self.strings))
        case 7: .bool(rng.chance(0.5))
        case 8: .null
        case 9: .array([.number(5000), .string("5000")])
        case 10: .object(["amount": .number(5000)])
        default: .number(Double(Int.random(in: -20000...20000, using: &rng)) / rng.pick([1, 2, 4, 10]))
        }
    }

    // MARK: - YAML spelling

    /// A YAML double-quoted string: raw UTF-8, with `"`, `\` and control characters escaped.
    func yamlString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A plain YAML number the policy loader accepts (YAML 1.1 floats need a '.' before an exponent).
    func yamlNumber(_ value: Double) -> String {
        let text = CanonicalJSON.serialize(number: value)
        guard let e = text.firstIndex(of: "e"), !text[..<e].contains(".") else { return text }
        return text[..<e] + ".0" + text[e...]
    }

    func yamlScalar(_ value: JSONValue) -> String {
        switch value {
        case .number(let number): yamlNumber(number)
        case .string(let text): yamlString(text)
        case .bool(let flag): flag ? "true" : "false"
        default: "null"
        }
    }
}
