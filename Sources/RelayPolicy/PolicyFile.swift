/// One parsed and validated policy file.
public struct PolicyFile: Sendable, Equatable {
    /// Path of the file as given to the loader (used in error messages and rule locations).
    public var file: String
    /// The file's own `version` string.
    public var version: String
    /// The file's `description`, if any.
    public var description: String?
    /// Rules in file order.
    public var rules: [PolicyRule]
    /// The exact text of the file (its UTF-8 bytes feed the policy version hash).
    public var source: String

    /// Creates a policy file value. Prefer ``PolicySet/parse(yaml:file:)``, which validates.
    public init(file: String, version: String, description: String? = nil, rules: [PolicyRule], source: String) {
        self.file = file
        self.version = version
        self.description = description
        self.rules = rules
        self.source = source
    }

    /// The last path component of ``file``: what sorts the files and what the version hash covers,
    /// so the policy version does not depend on where the directory lives.
    public var fileName: String {
        file.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? file
    }
}
