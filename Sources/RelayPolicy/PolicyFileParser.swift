import RelayCore
import Yams

/// Turns the YAML text of one policy file into a validated ``PolicyFile``.
///
/// The format is deliberately strict, because a later step compiles it to Rego and both must
/// agree on every file: unknown keys are errors at every level, types are checked, and scalars
/// are read from their source text rather than through YAML 1.1 type resolution (see
/// ``YAMLReader``). Mapping keys are taken literally (so `on:` is the key "on", not `true`).
struct PolicyFileParser {
    /// Path used in errors and rule locations.
    let file: String

    static let topLevelKeys = ["version", "description", "rules"]
    static let ruleKeys = ["name", "description", "condition", "parameter_constraints", "action", "reason"]
    static let constraintKeys = ["min", "max", "gt", "lt", "equals", "in", "not_in"]

    func parse(_ yaml: String) throws(PolicyLoadError) -> PolicyFile {
        // A byte order mark is skipped for parsing; the version hash still covers the file's raw bytes.
        guard let root = try reader.compose(yaml) else {
            throw PolicyLoadError(
                file: file, line: nil, reason: "file is empty (expected a mapping with 'version' and 'rules')")
        }
        let top = try mapping(root, path: "top level")
        try rejectUnknownKeys(top, allowed: Self.topLevelKeys, place: "at top level")

        guard let versionNode = top.value("version") else {
            throw error(root, "missing required key 'version' at top level")
        }
        let version = try reader.string(versionNode, path: "version")
        guard !version.isEmpty else { throw error(versionNode, "version: must not be empty") }
        let description = try top.value("description").map { node throws(PolicyLoadError) in
            try reader.string(node, path: "description")
        }

        guard let rulesNode = top.value("rules") else {
            throw error(root, "missing required key 'rules' at top level")
        }
        guard case .sequence(let ruleNodes) = rulesNode else {
            throw error(rulesNode, "rules: expected a list of rules, got \(YAMLReader.describe(rulesNode))")
        }
        guard !ruleNodes.isEmpty else {
            throw error(rulesNode, "rules: must contain at least one rule")
        }
        var rules: [PolicyRule] = []
        var seen: [String: PolicySourceLocation] = [:]
        for (index, ruleNode) in ruleNodes.enumerated() {
            let rule = try parseRule(ruleNode, index: index)
            if let first = seen[rule.name] {
                throw PolicyLoadError(
                    file: file, line: rule.location.line,
                    reason: "duplicate rule name '\(rule.name)' (first defined at \(first))")
            }
            seen[rule.name] = rule.location
            rules.append(rule)
        }
        return PolicyFile(file: file, version: version, description: description, rules: rules, source: yaml)
    }

    // MARK: - Rules

    private func parseRule(_ node: Node, index: Int) throws(PolicyLoadError) -> PolicyRule {
        let path = "rules[\(index)]"
        let entries = try mapping(node, path: path)
        // The name labels every later message, so read it (leniently) first.
        let label: String
        if let nameNode = entries.value("name"), let name = try? reader.string(nameNode, path: ""), !name.isEmpty {
            label = "rule '\(name)'"
        } else {
            label = path
        }
        try rejectUnknownKeys(entries, allowed: Self.ruleKeys, place: "in \(label)")

        guard let nameNode = entries.value("name") else { throw error(node, "missing required key 'name' in \(label)") }
        let name = try reader.string(nameNode, path: "\(path).name")
        guard Self.isValidRuleName(name) else {
            throw error(
                nameNode,
                "\(path).name: '\(name)' is not a valid rule name (use letters, digits, '_', '-' and '.')")
        }
        let description = try entries.value("description").map { n throws(PolicyLoadError) in
            try reader.string(n, path: "\(path).description")
        }

        guard let actionNode = entries.value("action") else {
            throw error(node, "missing required key 'action' in \(label)")
        }
        let actionText = try reader.string(actionNode, path: "\(path).action", expected: "'allow' or 'deny'")
        guard let action = RuleAction(rawValue: actionText) else {
            throw error(actionNode, "\(path).action: expected 'allow' or 'deny', got '\(actionText)'")
        }

        let reason = try entries.value("reason").map { n throws(PolicyLoadError) in
            try reader.string(n, path: "\(path).reason")
        }
        if action == .deny {
            guard let reasonNode = entries.value("reason") else {
                throw error(node, "missing required key 'reason' in \(label) (a deny rule must say why)")
            }
            guard let reason, !reason.isEmpty else {
                throw error(reasonNode, "\(path).reason: must not be empty for a deny rule")
            }
        }

        var condition: [ConditionField: String] = [:]
        if let conditionNode = entries.value("condition") {
            let fields = try mapping(conditionNode, path: "\(path).condition")
            try rejectUnknownKeys(
                fields, allowed: ConditionField.allCases.map(\.key), place: "in the condition of \(label)")
            for (key, _, valueNode) in fields.pairs {
                let field = ConditionField(rawValue: key)!  // checked by rejectUnknownKeys
                let value = try reader.string(valueNode, path: "\(path).condition.\(key)")
                if field == .provider || field == .method, !Self.isValidProviderOrMethod(value) {
                    throw error(
                        valueNode,
                        "\(path).condition.\(key): '\(value)' can never match: the gateway lower-cases "
                            + "\(key) values and accepts only a-z, 0-9, '_' and '-'")
                }
                condition[field] = value
            }
        }

        var constraints: [String: ParameterConstraint] = [:]
        if let constraintsNode = entries.value("parameter_constraints") {
            let parameters = try mapping(constraintsNode, path: "\(path).parameter_constraints")
            for (parameter, keyNode, valueNode) in parameters.pairs {
                guard !parameter.isEmpty else {
                    throw error(keyNode, "\(path).parameter_constraints: parameter name must not be empty")
                }
                constraints[parameter] = try parseConstraint(
                    valueNode, path: "\(path).parameter_constraints.\(parameter)",
                    place: "in the constraint on parameter '\(parameter)' of \(label)")
            }
        }

        return PolicyRule(
            name: name, description: description, condition: condition, parameterConstraints: constraints,
            action: action, reason: reason, location: PolicySourceLocation(file: file, line: node.mark?.line ?? 1))
    }

    private func parseConstraint(_ node: Node, path: String, place: String) throws(PolicyLoadError) -> ParameterConstraint {
        let entries = try mapping(node, path: path)
        try rejectUnknownKeys(entries, allowed: Self.constraintKeys, place: place)
        guard !entries.pairs.isEmpty else {
            throw error(node, "\(path): empty constraint (expected at least one of: \(Self.constraintKeys.joined(separator: ", ")))")
        }
        var constraint = ParameterConstraint()
        for (key, _, valueNode) in entries.pairs {
            let keyPath = "\(path).\(key)"
            switch key {
            case "min": constraint.min = try reader.number(valueNode, path: keyPath)
            case "max": constraint.max = try reader.number(valueNode, path: keyPath)
            case "gt": constraint.gt = try reader.number(valueNode, path: keyPath)
            case "lt": constraint.lt = try reader.number(valueNode, path: keyPath)
            case "equals": constraint.equals = try reader.scalar(valueNode, path: keyPath)
            case "in": constraint.in = try scalarList(valueNode, path: keyPath)
            case "not_in": constraint.notIn = try scalarList(valueNode, path: keyPath)
            default: break  // rejected above
            }
        }
        return constraint
    }

    private func scalarList(_ node: Node, path: String) throws(PolicyLoadError) -> [JSONValue] {
        guard case .sequence(let items) = node else {
            throw error(node, "\(path): expected a list of scalars, got \(YAMLReader.describe(node))")
        }
        var values: [JSONValue] = []
        for (index, item) in items.enumerated() {
            values.append(try reader.scalar(item, path: "\(path)[\(index)]"))
        }
        return values
    }

    // MARK: - Mappings

    private func mapping(_ node: Node, path: String) throws(PolicyLoadError) -> YAMLMapping {
        try reader.mapping(node, path: path)
    }

    private func rejectUnknownKeys(_ entries: YAMLMapping, allowed: [String], place: String) throws(PolicyLoadError) {
        try reader.rejectUnknownKeys(entries, allowed: allowed, place: place)
    }

    // MARK: - Errors and helpers

    private var reader: YAMLReader { YAMLReader(file: file) }

    private func error(_ node: Node, _ reason: String) -> PolicyLoadError {
        PolicyLoadError(file: file, line: node.mark?.line, reason: reason)
    }
}
