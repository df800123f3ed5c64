import Logging
import RelayLocal
import RelayStore
import Testing

/// `Database.operationsInFlight` (the `relay_db_connections_in_use` gauge) on a real pool.
struct DatabaseInFlightTests {
    @Test func operationsAreCountedWhileTheyRunAndReleasedAfterSuccessOrFailure() async throws {
        let cluster = try await SharedCluster.shared.cluster()
        let name = try await SharedCluster.shared.freshDatabase(prefix: "inflight")
        var logger = Logger(label: "inflight-test")
        logger.logLevel = .warning
        let db = Database(
            configuration: DatabaseConfiguration(host: cluster.host, port: cluster.port, database: name, username: cluster.superuser, maxConnections: 4),
            logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await db.run() }
            #expect(db.operationsInFlight == 0)
            let inside = try await db.transaction { conn in
                try await conn.query("SELECT 1", logger: logger)
                return db.operationsInFlight
            }
            #expect(inside == 1)
            #expect(db.operationsInFlight == 0)

            struct Abort: Error {}
            await #expect(throws: Abort.self) {
                try await db.transaction { _ in throw Abort() }
            }
            #expect(db.operationsInFlight == 0)

            #expect(await db.ping())
            #expect(db.operationsInFlight == 0)
            group.cancelAll()
        }
    }
}
