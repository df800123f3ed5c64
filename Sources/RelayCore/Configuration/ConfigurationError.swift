/// A start-up setting that is missing or invalid: `setting: reason`, where the setting is an
/// environment variable (read through ``EnvironmentReader``) or a file one names. The message
/// never repeats a secret's value. A problem inside a YAML file is a ``ConfigFileError``.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The environment variable (or file) at fault.
    public let setting: String
    /// What is wrong and what is expected.
    public let reason: String

    /// Creates an error.
    public init(setting: String, reason: String) {
        self.setting = setting
        self.reason = reason
    }

    /// `setting: reason`.
    public var description: String { "\(setting): \(reason)" }
}
