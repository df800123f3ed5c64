/// One Rego module: the id OPA stores it under (`PUT /v1/policies/{id}`) and its source text.
public struct RegoModule: Sendable, Equatable {
    /// Policy id in OPA, e.g. `relay-main`.
    public let id: String
    /// The Rego package, e.g. `relay.policies.main`.
    public let package: String
    /// Rego v1 source text.
    public let text: String

    /// Creates a module.
    public init(id: String, package: String, text: String) {
        self.id = id
        self.package = package
        self.text = text
    }
}
