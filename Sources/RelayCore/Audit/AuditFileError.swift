/// Why an offline audit file could not be checked at all (exit 2), as opposed to a finding.
public enum AuditFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file cannot be opened or read.
    case unreadable(path: String, reason: String)
    /// The first line is not a relay-audit-v1 preamble.
    case notAnAuditFile(String)
    /// The trusted region files do not know the file's origin.
    case unknownOrigin(String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .notAnAuditFile(let why): "not an offline audit file: \(why)"
        case .unknownOrigin(let origin): "the region files do not define the file's origin '\(origin)'"
        }
    }
}
