import Foundation
import RelayLocal
import RelayPolicy

/// The real OPA engine (tools/opa_server.py) for gateway tests.
enum RealOPA {
    /// Starts a server (on `port`, or a free one) and pushes the compiled shipped policies.
    static func start(port: Int = 0) async throws -> OPAServer {
        try OPAServer.installEngine(repositoryRoot: TestGateway.repoRoot)
        let server = try await OPAServer.start(script: TestGateway.repoRoot + "/tools/opa_server.py", port: port)
        do {
            try await OPAPolicyPublisher(url: server.url).push(shippedModules().all)
        } catch {
            await server.stop()
            throw error
        }
        return server
    }

    /// The shipped policies compiled to Rego.
    static func shippedModules() throws -> RegoModules {
        RegoCompiler.compile(try PolicySet.load(directory: TestGateway.repoRoot + "/gateway/policies"))
    }
}
