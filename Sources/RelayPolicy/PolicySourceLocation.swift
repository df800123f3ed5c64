import RelayCore

/// Where something was defined in a policy file (`file:line`).
public typealias PolicySourceLocation = ConfigLocation
