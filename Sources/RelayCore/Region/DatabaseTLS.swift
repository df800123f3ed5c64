/// How a region's database connection uses TLS (libpq `sslmode` names).
public enum DatabaseTLS: String, Sendable, Hashable, CaseIterable {
    /// Plain TCP (local clusters only).
    case disable
    /// TLS, without checking the server certificate.
    case require
    /// TLS with the server certificate checked against the host name.
    case verifyFull = "verify-full"
}
