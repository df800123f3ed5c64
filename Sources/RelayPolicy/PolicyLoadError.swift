import RelayCore

/// A policy file (or directory) that was rejected, with the place and the reason: the shared
/// configuration file error, so policies and region configs report problems the same way
/// (`file:line: reason`, e.g. `gateway/policies/finance.yaml:12: unknown key 'condtion' in rule 'x' (expected one of: …)`).
public typealias PolicyLoadError = ConfigFileError
