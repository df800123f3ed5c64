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
            let inside = try await db.transaction("count in-flight operations") { conn in
                try await conn.query("SELECT 1", logger: logger)
                return db.operationsInFlight
            }
            #expect(inside == 1)
            #expect(db.operationsInFlight == 0)

            struct Abort: Error {}
            await #expect(throws: Abort.self) {
                try await db.transaction("abort") { _ in throw Abort() }
            }
            #expect(db.operationsInFlight == 0)

            #expect(await db.ping())
            #expect(db.operationsInFlight == 0)

            // A failing statement is described by what it was for, its SQLSTATE and the server's
            // message, and never by its bound values.
            let secret = "s3cr3t-bound-value"
            let failure = await #expect(throws: DatabaseError.self) {
                try await db.transaction("insert a test row") { conn in
                    try await conn.query("SELECT \(secret)::int", logger: logger)
                }
            }
            #expect(failure?.sqlState == "22P02")
            #expect(failure?.description.hasPrefix("insert a test row failed: server: SQLSTATE 22P02: invalid input syntax for type integer") == true)
            #expect(failure?.description.contains(secret) == false)
            #expect(DatabaseError.logText(failure!) == failure!.description)
            #expect(db.operationsInFlight == 0)
            group.cancelAll()
        }
    }
}
