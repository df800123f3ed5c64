import Foundation

extension OPAServer {
    /// Runs `scripts/install-opa.sh` of the repository at `repositoryRoot` unless the engine is
    /// already in `.local/opa/` (the script is idempotent; this only saves starting it).
    public static func installEngine(repositoryRoot: String) throws {
        if FileManager.default.fileExists(atPath: repositoryRoot + "/.local/opa/opa_bindings/libopabridge.so") { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: repositoryRoot + "/scripts/install-opa.sh")
        do {
            try process.run()
        } catch {
            throw OPAServerError.launchFailed("scripts/install-opa.sh: \(error)")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw OPAServerError.launchFailed("scripts/install-opa.sh failed with exit code \(process.terminationStatus)")
        }
    }
}
