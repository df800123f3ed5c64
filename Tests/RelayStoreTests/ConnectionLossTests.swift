import Foundation
import Logging
import NIOCore
import PostgresNIO
import RelayLocal
@testable import RelayStore
import Synchronization
import Testing

/// What the crash soak found under the last stall: postgres-nio 1.33 writes a query to a
/// connection's channel without a promise, so a query sent on a connection that has just closed
/// (its server killed or restarted, the pool shutting down) is never answered and its caller —
/// with the pool lease it holds — waits forever. `ClosedConnectionGuard` fails such a query.
struct ConnectionLossTests {
    static let logger = { var l = Logger(label: "connection-loss"); l.logLevel = .critical; return l }()

    /// A connection of its own to a fresh database, with its server process id, and the cluster.
    func connection() async throws -> (conn: PostgresConnection, pid: Int32, cluster: PostgresCluster, database: String) {
        let cluster = try await SharedCluster.shared.cluster()
        let name = try await SharedCluster.shared.freshDatabase(prefix: "connloss")
        let conn = try await PostgresConnection.connect(
            configuration: .init(host: cluster.host, port: cluster.port, username: cluster.superuser, password: nil, database: name, tls: .disable),
            id: 1, logger: Self.logger)
        var pid: Int32 = 0
        for try await (p) in try await conn.query("SELECT pg_backend_pid()", logger: Self.logger).decode(Int32.self) { pid = p }
        return (conn, pid, cluster, name)
    }

    /// A connection whose server process was terminated, once the connection has seen it close.
    func withKilledConnection(_ body: (PostgresConnection) async throws -> Void) async throws {
        let c = try await connection()
        _ = try await c.cluster.psql("SELECT pg_terminate_backend(\(c.pid))", database: c.database)
        try await c.conn.closeFuture.get()
        try await body(c.conn)
    }

    /// The driver's behaviour, pinned so that a fixed driver shows up here (and the guard can go).
    @Test func aQueryOnAConnectionThatHasClosedIsNeverAnsweredByTheDriver() async throws {
        try await withKilledConnection { conn in
            let answered = Mutex(false)
            let query = Task {
                _ = try? await conn.query("SELECT 1", logger: Self.logger)
                answered.withLock { $0 = true }
            }
            try await Task.sleep(for: .seconds(3))
            #expect(answered.withLock { $0 } == false, "postgres-nio now answers a query on a closed connection: ClosedConnectionGuard may go")
            query.cancel()
        }
    }

    @Test func theGuardFailsAQueryWhoseConnectionHasClosed() async throws {
        try await withKilledConnection { conn in
            let started = ContinuousClock.now
            await #expect(throws: ClosedConnectionGuard.ConnectionClosed.self) {
                try await conn.guardedQuery("SELECT 1", logger: Self.logger)
            }
            #expect(ContinuousClock.now - started < .seconds(10), "it fails at once instead of waiting for an answer that never comes")
        }
    }

    /// A query already answering when its connection closes fails (the driver sees that one).
    @Test func aQueryInFlightWhenItsConnectionClosesFails() async throws {
        let c = try await connection()
        let waiting = Task { for try await _ in try await c.conn.guardedQuery("SELECT pg_sleep(30)", logger: Self.logger) {} }
        try await Task.sleep(for: .milliseconds(300))
        _ = try await c.cluster.psql("SELECT pg_terminate_backend(\(c.pid))", database: c.database)
        let result = await waiting.result
        #expect(throws: (any Error).self) { try result.get() }
    }

    /// The pool, its server killed with SIGKILL and restarted over and over under six concurrent
    /// transactions: every operation ends (committed or failed), none waits forever, and once the
    /// kills stop every worker commits again without anything being restarted.
    @Test(.timeLimit(.minutes(3)))
    func noOperationWaitsForeverAcrossServerKills() async throws {
        let cluster = try await PostgresCluster.start(PostgresClusterOptions(name: "connloss"), logger: Self.logger)
        defer { Task { try? await cluster.stop() } }
        try await cluster.createDatabase("relay")
        let db = Database(
            configuration: DatabaseConfiguration(host: cluster.host, port: cluster.port, database: "relay", username: cluster.superuser, maxConnections: 8),
            logger: Self.logger)
        let probe = Probe()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await db.run() }
            for worker in 0..<6 {
                group.addTask {
                    var n = 0
                    while !probe.stop.load(ordering: .relaxed) {
                        n += 1
                        let id = worker * 1_000_000 + n
                        probe.started.withLock { $0[id] = .now }
                        let committed = (try? await db.transaction("probe") { conn in
                            try await conn.guardedQuery("SELECT pg_sleep(0.005)", logger: Self.logger)
                        }) != nil
                        probe.started.withLock { $0[id] = nil }
                        if committed, probe.killsOver.load(ordering: .relaxed) {
                            probe.committedAfterKills.withLock { _ = $0.insert(worker) }
                        }
                    }
                }
            }
            let deadline = ContinuousClock.now + .seconds(25)
            while ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(Int.random(in: 100...400)))
                try cluster.kill9()
                try await Task.sleep(for: .milliseconds(Int.random(in: 50...300)))
                try await cluster.restart()
            }
            probe.killsOver.store(true, ordering: .relaxed)
            // Every operation ends within 20 s of the last restart.
            let settled = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < settled, probe.started.withLock({ s in s.values.contains { ContinuousClock.now - $0 > .seconds(15) } }) {
                try await Task.sleep(for: .milliseconds(200))
            }
            let stuck = probe.started.withLock { s in s.filter { ContinuousClock.now - $0.value > .seconds(15) }.count }
            #expect(stuck == 0, "\(stuck) operations waited over 15 s")
            let recovered = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < recovered, probe.committedAfterKills.withLock({ $0.count }) < 6 {
                try await Task.sleep(for: .milliseconds(200))
            }
            let workers = probe.committedAfterKills.withLock { $0.count }
            #expect(workers == 6, "only \(workers) of 6 workers committed again once the server stayed up")
            probe.stop.store(true, ordering: .relaxed)
            group.cancelAll()
        }
    }

    final class Probe: Sendable {
        let started = Mutex<[Int: ContinuousClock.Instant]>([:])
        let killsOver = Atomic<Bool>(false)
        let committedAfterKills = Mutex<Set<Int>>([])
        let stop = Atomic<Bool>(false)
    }
}
