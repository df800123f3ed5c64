import Foundation
import Logging
import PostgresNIO
import RelayCore
import RelayLocal
@testable import RelayStore
import RelaySystem
import Synchronization
import Testing

/// Region state and the fence, inside PostgreSQL: a fenced region's database refuses its own new
/// manifests, seals and executions whoever sends them; the state changes only through
/// region_control entries; a switchover's successor executes the old region's seals, a forced
/// failover's never does.
struct RegionFenceTests {
    static let logger = { var l = Logger(label: "region-fence-test"); l.logLevel = .warning; return l }()
    static let at = Timestamp(microseconds: 1_800_000_000_000_000)

    struct Fixture: Sendable {
        let db: Database
        let cluster: PostgresCluster
        let name: String
        let local: String

        var states: RegionStateStore { RegionStateStore(database: db) }

        /// Writes `action` about `region` into this region's ledger, from the state the database holds.
        @discardableResult
        func control(
            _ action: RegionControl.Action, _ region: String, successor: String? = nil, mode: TakeoverMode? = nil
        ) async throws -> RegionState? {
            let current = try await states.state(of: region) ?? RegionState(region: region)
            let control = try current.next(
                action, successor: successor, mode: mode, controlID: UUID().uuidString.lowercased(), eventID: "ev-test",
                operatorName: "tester", reason: "test", at: RegionFenceTests.at)
            return try await states.write(control, ledgerRegion: local).state
        }

        /// A fresh approved manifest and seal of `region`, written by the gateway's writer.
        func writeManifest(region: String) async throws -> Seal {
            let now = RelayClock.system.now()
            let manifest = Manifest(
                manifestID: UUID(), timestamp: now, agent: .init(agentID: "agent_1", orgID: "org_1"),
                action: .init(provider: "stripe", method: "refund", parameters: [:]), justification: .init(reasoning: "test"))
            let seal = SealIssuer(region: region, key: SigningKey.generate().key, ttlMinutes: 5).issue(
                for: manifest, approved: true, denialReason: nil, policyVersion: "1", now: now)
            try await ManifestWriter(database: db).record(manifest, seal: seal)
            return seal
        }

        func psql(_ sql: String) async throws -> String { try await cluster.psql(sql, database: name) }
    }

    /// A fresh migrated database whose own region is `local` (its ledger head exists), pool running.
    func withRegion<T: Sendable>(_ local: String, _ body: @Sendable (Fixture) async throws -> T) async throws -> T {
        let cluster = try await SharedCluster.shared.cluster()
        let name = try await SharedCluster.shared.freshDatabase(prefix: "fence")
        let db = Database(
            configuration: DatabaseConfiguration(host: cluster.host, port: cluster.port, database: name, username: cluster.superuser, maxConnections: 4),
            logger: Self.logger)
        return try await db.withRunning { db in
            try await Migrator(database: db).migrate()
            _ = try await cluster.psql("INSERT INTO ledger_heads (region, hash) VALUES ('\(local)', '\\x\(String(repeating: "00", count: 32))')", database: name)
            return try await body(Fixture(db: db, cluster: cluster, name: name, local: local))
        }
    }

    @Test func aFencedRegionsDatabaseRefusesItsOwnManifestsSealsAndExecutionsWhoeverSendsThem() async throws {
        try await withRegion("a") { f in
            let before = try await f.writeManifest(region: "a")
            #expect(try await f.control(.fence, "a")?.role == .fenced)

            await #expect(throws: StoreError.self) { _ = try await f.writeManifest(region: "a") }
            await #expect(throws: StoreError.self) {
                _ = try await SealStore(database: f.db).markExecuted(id: before.payload.sealID, now: RelayClock.system.now(), region: "a")
            }
            // A stale gateway or a forgotten job writing SQL directly is refused the same way.
            for sql in [
                "UPDATE seals SET was_executed = true, executed_at = now() WHERE seal_id = '\(before.payload.sealID)'",
                "INSERT INTO ledger_records (region, kind, subject, body) VALUES ('a', 'manifest', 'x', '\\x7b7d')",
                """
                INSERT INTO manifests (manifest_id, region, version, manifest_timestamp, agent_id, org_id, provider, method,
                    parameters, reasoning, environment, approved, policy_version, created_at)
                VALUES (gen_random_uuid(), 'a', '1', now(), 'ag', 'org', 'p', 'm', '{}', 'r', 'production', true, '1', now())
                """,
            ] {
                await #expect(throws: (any Error).self, "\(sql)") { _ = try await f.psql(sql) }
            }
            let refusal = await #expect(throws: PostgresClusterError.self) { _ = try await f.psql("INSERT INTO ledger_records (region, kind, subject, body) VALUES ('a', 'seal_executed', 'x', '\\x7b7d')") }
            #expect("\(refusal.map { "\($0)" } ?? "")".contains("region a is fenced"))
            #expect(try await f.psql("SELECT was_executed FROM seals WHERE seal_id = '\(before.payload.sealID)'") == "f")

            // Another region's rows are not this region's writes (replicas keep arriving).
            _ = try await f.writeManifest(region: "b")

            #expect(try await f.control(.unfence, "a")?.role == .active)
            let after = try await f.writeManifest(region: "a")
            #expect(try await SealStore(database: f.db).markExecuted(id: after.payload.sealID, now: RelayClock.system.now(), region: "a") != .notFound)
        }
    }

    @Test func regionStateChangesOnlyThroughTheLedger() async throws {
        try await withRegion("a") { f in
            try await f.control(.pause, "a")
            for sql in [
                "UPDATE region_state SET paused = false",
                "DELETE FROM region_state",
                "TRUNCATE region_state",
                "INSERT INTO region_state VALUES ('z', 'active', NULL, NULL, false, 1, 1, now(), 'r', 'o', 'e', 'c')",
                "SELECT relay_apply_region_control(convert_to('{\"region\":\"a\",\"action\":\"resume\",\"epoch\":9,\"version\":9}', 'UTF8'), true)",
            ] {
                await #expect(throws: (any Error).self, "\(sql)") { _ = try await f.psql(sql) }
            }
            let state = try await f.states.state(of: "a")
            #expect(state?.paused == true && state?.version == 1 && state?.operatorName == "tester")
        }
    }

    @Test func replicatedControlEntriesConvergeWhateverOrderTheyArriveIn() async throws {
        try await withRegion("b") { f in
            let fence = try RegionState(region: "c").next(.fence, controlID: "c1", eventID: "e", operatorName: "o", reason: "r", at: Self.at)
            let takeover = try RegionState(region: "c").applying(fence).next(
                .takeover, successor: "a", mode: .switchover, controlID: "c2", eventID: "e", operatorName: "o", reason: "r", at: Self.at)
            // The takeover (from a's ledger) arrives before the fence (from c's), then the fence again.
            for (seq, control) in [(1, takeover), (2, fence), (3, fence)] {
                let hex = Data(CanonicalJSON.bytes(control.body)).map { String(format: "%02x", $0) }.joined()
                let zero = String(repeating: "00", count: 32)
                _ = try await f.psql(
                    """
                    INSERT INTO replica_ledger (origin, seq, kind, subject, body, committed_at, epoch, prev_hash, hash, batch_no)
                    VALUES ('c\(seq)', 1, 'region_control', '\(control.controlID)', '\\x\(hex)', now(), 1, '\\x\(zero)', '\\x\(zero)', 1)
                    """)
            }
            let state = try await f.states.state(of: "c")
            #expect(state?.role == .takenOver(by: "a", mode: .switchover))
            #expect(state?.epoch == 2 && state?.version == 2)
        }
    }

    @Test func aSwitchoverSuccessorExecutesTheTakenOverRegionsSealsInItsOwnLedger() async throws {
        try await withRegion("b") { f in
            let seal = try await f.writeManifest(region: "a")
            let store = SealStore(database: f.db)
            #expect(try await store.markExecuted(id: seal.payload.sealID, now: RelayClock.system.now(), region: "b") == .foreign(home: "a"))
            try await f.control(.fence, "a")
            try await f.control(.takeover, "a", successor: "b", mode: .switchover)
            guard case .executed = try await store.markExecuted(id: seal.payload.sealID, now: RelayClock.system.now(), region: "b") else {
                Issue.record("the switchover successor must execute the old region's seal")
                return
            }
            #expect(try await f.psql("SELECT region FROM ledger_records WHERE kind = 'seal_executed' AND subject = '\(seal.payload.sealID)'") == "b")
            #expect(try await store.markExecuted(id: seal.payload.sealID, now: RelayClock.system.now(), region: "b") == .alreadyExecuted)
        }
    }

    @Test func aForcedFailoverSuccessorNeverExecutesTheLostRegionsSeals() async throws {
        try await withRegion("b") { f in
            let seal = try await f.writeManifest(region: "a")
            try await f.control(.takeover, "a", successor: "b", mode: .failover)
            let store = SealStore(database: f.db)
            #expect(try await store.markExecuted(id: seal.payload.sealID, now: RelayClock.system.now(), region: "b") == .foreign(home: "a"))
            #expect(try await f.psql("SELECT was_executed FROM seals WHERE seal_id = '\(seal.payload.sealID)'") == "f")
        }
    }

    /// The fence takes the region's write lock exclusively: it waits for a write already under
    /// way (which then commits before it), and every write after it is refused.
    @Test func aFenceWaitsForAWriteUnderWayAndStopsEveryLaterOne() async throws {
        try await withRegion("a") { f in
            let conn = try await PostgresConnection.connect(
                configuration: .init(host: f.cluster.host, port: f.cluster.port, username: f.cluster.superuser, password: nil, database: f.name, tls: .disable),
                id: 1, logger: Self.logger)
            defer { Task { try? await conn.close() } }
            try await conn.query("BEGIN", logger: Self.logger)
            try await conn.query("INSERT INTO ledger_records (region, kind, subject, body) VALUES ('a', 'manifest', 'under-way', '\\x7b7d')", logger: Self.logger)
            let fenced = Atomic<Bool>(false)
            let fence = Task {
                try await f.control(.fence, "a")
                fenced.store(true, ordering: .sequentiallyConsistent)
            }
            try await Task.sleep(for: .milliseconds(700))
            #expect(fenced.load(ordering: .sequentiallyConsistent) == false, "the fence waits for the write under way")
            try await conn.query("COMMIT", logger: Self.logger)
            try await fence.value
            #expect(try await f.psql("SELECT count(*) FROM ledger_records WHERE subject = 'under-way'") == "1")
            await #expect(throws: (any Error).self) {
                _ = try await f.psql("INSERT INTO ledger_records (region, kind, subject, body) VALUES ('a', 'manifest', 'late', '\\x7b7d')")
            }
        }
    }
}
