import Foundation
import RelayLocal
import RelayPolicy

/// The real OPA engine (tools/opa_server.py) for tests, installed on first use.
enum OPATestServer {
    /// Repository root, found from this file's path.
    static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }  // Support, RelayPolicyTests, Tests, root
        return url.path
    }()

    /// Runs `body` with a fresh OPA server and an engine bound to it; stops both afterwards, also
    /// when `body` throws.
    static func with<T: Sendable>(
        timeout: Duration = .seconds(10), _ body: (OPAServer, OPAPolicyEngine) async throws -> T
    ) async throws -> T {
        try OPAServer.installEngine(repositoryRoot: repoRoot)
        let server = try await OPAServer.start(script: repoRoot + "/tools/opa_server.py")
        let engine = OPAPolicyEngine(configuration: try OPAConfiguration(url: server.url, timeout: timeout))
        do {
            let result = try await body(server, engine)
            try await engine.shutdown()
            await server.stop()
            return result
        } catch {
            try? await engine.shutdown()
            await server.stop()
            throw error
        }
    }
}
