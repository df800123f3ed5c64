/// What a matching rule decides.
public enum RuleAction: String, Sendable, Hashable, CaseIterable {
    /// The manifest is approved unless a matching deny rule exists.
    case allow
    /// The manifest is denied with the rule's reason (deny overrides allow).
    case deny
}
