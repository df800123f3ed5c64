import RelayCore

/// One rule of a policy file.
///
/// A rule matches an input when every `condition` field equals the input's value (a missing or
/// non-string input field never matches) and every parameter constraint is satisfied by the
/// parameter of that name in `action.parameters`.
public struct PolicyRule: Sendable, Equatable {
    /// Rule name, unique across all loaded files.
    public var name: String
    /// Free-text description for operators.
    public var description: String?
    /// Equality conditions on input fields.
    public var condition: [ConditionField: String]
    /// Constraints per parameter name (a top-level key of `action.parameters`; no nested paths).
    public var parameterConstraints: [String: ParameterConstraint]
    /// What the rule decides when it matches.
    public var action: RuleAction
    /// Denial reason (required for deny rules by the loader; informative only for allow rules).
    public var reason: String?
    /// Where the rule is defined (the line of its first key).
    public var location: PolicySourceLocation

    /// Creates a rule.
    public init(
        name: String,
        description: String? = nil,
        condition: [ConditionField: String] = [:],
        parameterConstraints: [String: ParameterConstraint] = [:],
        action: RuleAction,
        reason: String? = nil,
        location: PolicySourceLocation
    ) {
        self.name = name
        self.description = description
        self.condition = condition
        self.parameterConstraints = parameterConstraints
        self.action = action
        self.reason = reason
        self.location = location
    }

    /// Whether all conditions and all parameter constraints hold for `input`.
    public func matches(_ input: JSONValue) -> Bool {
        for (field, expected) in condition {
            guard case .string(let actual)? = field.value(in: input), actual.utf8.elementsEqual(expected.utf8) else {
                return false
            }
        }
        if !parameterConstraints.isEmpty {
            let parameters = input["action"]?["parameters"]?.objectValue ?? [:]
            for (parameter, constraint) in parameterConstraints {
                guard constraint.isSatisfied(by: parameters.member(exactly: parameter)) else { return false }
            }
        }
        return true
    }
}
