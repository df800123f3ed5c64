/// Why a new key file could not be written.
public enum KeyFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Something already exists at the path; key files are never overwritten.
    case exists(path: String)
    /// The file could not be created or written (`reason` is the system's message).
    case cannotCreate(path: String, reason: String)

    /// One line for the operator.
    public var description: String {
        switch self {
        case .exists(let path): "\(path) already exists; refusing to overwrite a key file (choose another path or move the old file away)"
        case .cannotCreate(let path, let reason): "cannot create \(path): \(reason)"
        }
    }
}
