/// Where a database password comes from. Passwords are never written into region files.
public enum PasswordSource: Sendable, Hashable {
    /// The environment variable holding the password (`password_env`).
    case environment(String)
    /// A file holding the password (`password_file`), e.g. a mounted secret.
    case file(String)
}
