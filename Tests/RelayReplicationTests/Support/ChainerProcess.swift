import Foundation
import RelayLocal
import Synchronization

/// A `relay-dr run` process chaining a fixture's database (built next to the test bundle).
struct ChainerProcess {
    let process: Process

    /// `relay-dr` in the build folder of this test bundle.
    static var executable: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("relay-dr").path
    }

    /// Starts `relay-dr run` against `fixture`'s database.
    static func start(fixture f: LedgerFixture, batchLimit: Int) throws -> ChainerProcess {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = ["run", "--chainer-only", "--region", f.region, "--poll-ms", "5", "--batch-limit", String(batchLimit)]
        var env = ProcessInfo.processInfo.environment
        env["RELAY_DB_HOST"] = f.cluster.host
        env["RELAY_DB_PORT"] = String(f.cluster.port)
        env["RELAY_DB_NAME"] = f.name
        env["RELAY_DB_USER"] = f.cluster.superuser
        env["RELAY_LOG_LEVEL"] = "error"
        env["RELAY_PARENT_PID"] = String(getpid())
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return ChainerProcess(process: p)
    }

    /// SIGKILL, then wait for it to be gone.
    func kill9() async {
        kill(process.processIdentifier, SIGKILL)
        _ = await process.waitForExit(timeout: .seconds(10))
    }
}

/// A flag set once, read from any task.
final class ManagedFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
