/// Settings shared by both kinds of local run: one region (`relay-local up`) or a folder of
/// regions (`relay-local up --regions DIR`). The defaults are the command's.
public struct LocalRunOptions: Sendable {
    /// Where logs and keys go.
    public var stateDirectory: String
    /// Folder with the builtin engine's YAML policies.
    public var policyDirectory: String
    /// `builtin`, or `opa` (starts ``opaServerScript`` and pushes the compiled policies).
    public var policyEngine: String
    /// The local OPA server script.
    public var opaServerScript: String
    /// Start, check, print and stop again instead of waiting for a stop.
    public var once: Bool
    /// Also write the topology as shell variables to this file.
    public var envFile: String?
    /// Require JWTs on the gateway (`RELAY_AUTH_REQUIRED=true`).
    public var authRequired: Bool
    /// Where `relay-gateway` and `relay-dr` are.
    public var binDirectory: String

    /// Creates options.
    public init(
        stateDirectory: String = ".local", policyDirectory: String = "gateway/policies", policyEngine: String = "builtin",
        opaServerScript: String = "tools/opa_server.py", once: Bool = false, envFile: String? = nil, authRequired: Bool = false,
        binDirectory: String = LocalProcess.executableDirectory
    ) {
        self.stateDirectory = stateDirectory
        self.policyDirectory = policyDirectory
        self.policyEngine = policyEngine
        self.opaServerScript = opaServerScript
        self.once = once
        self.envFile = envFile
        self.authRequired = authRequired
        self.binDirectory = binDirectory
    }

    /// The state folder, made absolute.
    public var state: LocalStateFolder { LocalStateFolder(stateDirectory) }

    /// Path of the executable `name` in ``binDirectory``.
    public func executable(_ name: String) -> String {
        (binDirectory.hasSuffix("/") ? binDirectory : binDirectory + "/") + name
    }
}
