/// A start-up setting that is missing or invalid. The message names the setting and never
/// repeats a secret's value.
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

    public var description: String { "\(setting): \(reason)" }
}
