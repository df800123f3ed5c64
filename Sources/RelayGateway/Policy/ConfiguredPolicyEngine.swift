import Logging
import RelayPolicy

/// The policy engine a ``GatewayConfiguration`` selects (`RELAY_POLICY_ENGINE`), with its
/// lifecycle: built from the configuration, checked once at start-up, shut down once when the
/// gateway stops. ``Gateway/run(services:logger:)`` drives ``start(logger:)`` and ``shutdown()``.
public struct ConfiguredPolicyEngine: Sendable {
    /// The engine the routes ask for decisions.
    public let engine: any PolicyEngine
    /// The builtin engine, whose policy directory is reloaded without a restart (`PolicyReloader`);
    /// nil for OPA, whose sidecar loads its own bundles.
    public let reloadable: ReloadablePolicyEngine?
    /// The engine and its settings, for the start-up log line (`policy_engine`, and `policy_dir`
    /// or `opa_url` and `policy_path`).
    public let metadata: Logger.Metadata
    /// Whether ``start(logger:)`` asks the engine for its policy version (a sidecar may be down).
    private let checksAtStart: Bool
    /// Releases what the engine holds (the OPA engine's HTTP client); nothing for a borrowed engine.
    private let release: @Sendable () async throws -> Void

    /// Builds the engine `configuration` selects: the builtin engine over its policy directory
    /// (whose load error is thrown as it is, naming the file), or an OPA client.
    public init(configuration: GatewayConfiguration) throws(PolicyLoadError) {
        switch configuration.policyEngine {
        case .builtin:
            let builtin = try ReloadablePolicyEngine(directory: configuration.policyDirectory)
            engine = builtin
            reloadable = builtin
            metadata = ["policy_engine": "builtin", "policy_dir": "\(configuration.policyDirectory)"]
            checksAtStart = false
            release = {}
        case .opa(let settings):
            let opa = OPAPolicyEngine(configuration: settings)
            engine = opa
            reloadable = nil
            metadata = ["policy_engine": "opa", "opa_url": "\(settings.url)", "policy_path": "\(settings.policyPath)"]
            checksAtStart = true
            release = { try await opa.shutdown() }
        }
    }

    /// Wraps an engine made and shut down by its owner (tests, or a process embedding the gateway).
    public init(borrowing engine: any PolicyEngine) {
        self.engine = engine
        self.reloadable = engine as? ReloadablePolicyEngine
        self.metadata = ["policy_engine": "\(engine.name)"]
        self.checksAtStart = false
        self.release = {}
    }

    /// Logs whether an OPA engine answers. Never fatal: until OPA is up the gateway answers 503 to
    /// validations (fail closed) and recovers by itself.
    public func start(logger: Logger) async {
        guard checksAtStart else { return }
        do {
            let version = try await engine.policyVersion()
            logger.info("OPA reachable", metadata: ["policy_version": "\(version)"])
        } catch {
            logger.warning("OPA not ready; validations fail closed (503) until it answers", metadata: ["error": "\(error)"])
        }
    }

    /// Releases the engine's resources; call once, after the last request. The engine must not be
    /// used afterwards.
    public func shutdown() async throws {
        try await release()
    }
}
