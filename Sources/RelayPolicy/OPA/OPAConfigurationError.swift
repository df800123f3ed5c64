/// An OPA engine setting that is invalid, with the setting and what is expected.
public struct OPAConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The settings of ``OPAConfiguration``.
    public enum Setting: String, Sendable, Equatable {
        /// The OPA server URL (`RELAY_OPA_URL`).
        case url
        /// The decision document's data path (`RELAY_POLICY_PATH`).
        case policyPath
        /// The request timeout (`RELAY_OPA_TIMEOUT_MS`).
        case timeout
    }

    /// Which setting is at fault.
    public let setting: Setting
    /// What is wrong and what is expected, in one line.
    public let reason: String

    /// Creates an error.
    public init(setting: Setting, reason: String) {
        self.setting = setting
        self.reason = reason
    }

    /// `setting: reason`.
    public var description: String { "\(setting.rawValue): \(reason)" }
}
