import Foundation
import Logging
import RelayPolicy

extension OPAServer {
    /// Starts the local OPA server (the real OPA engine, installed first if needed) and pushes
    /// the policies of `policyDirectory`, compiled to Rego, to it; stops it again if that fails.
    public static func startWithPolicies(script: String, policyDirectory: String, log: String, logger: Logger) async throws -> OPAServer {
        let script = URL(fileURLWithPath: script).standardizedFileURL
        // The script lives in <repository>/tools/.
        let repositoryRoot = script.deletingLastPathComponent().deletingLastPathComponent().path
        try installEngine(repositoryRoot: repositoryRoot)
        let policies: PolicySet
        do {
            policies = try PolicySet.load(directory: policyDirectory)
        } catch {
            throw LocalRunError.policies("\(error)")
        }
        let server = try await start(script: script.path, log: log)
        do {
            let modules = RegoCompiler.compile(policies)
            try await OPAPolicyPublisher(url: server.url).push(modules.all)
            logger.info("OPA ready", metadata: ["url": "\(server.url)", "policy_version": "\(modules.policyVersion)"])
        } catch {
            await server.stop()
            throw error
        }
        return server
    }
}
