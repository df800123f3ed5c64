import Foundation
import Logging
import RelayCore
import RelayLedger
import RelayLocal
@testable import RelayStore
import RelaySystem
import Testing

/// The record tables against real migrated databases: their columns are exactly the schemas'
/// fields (plus the declared context and state columns), and a record written by the gateway,
/// read back by verification, and materialised from its body elsewhere gives equal rows.
struct RecordTableTests {
    static var logger: Logger {
        var logger = Logger(label: "record-table-test")
        logger.logLevel = .warning
        return logger
    }

    /// Runs `body` with `count` fresh migrated databases of the shared cluster, pools running.
    private func withDatabases<T: Sendable>(
        count: Int, _ body: @Sendable ([Database], PostgresCluster, [String]) async throws -> T
    ) async throws -> T {
        let cluster = try await SharedCluster.shared.cluster()
        var names: [String] = []
        for _ in 0..<count { names.append(try await SharedCluster.shared.freshDatabase(prefix: "records")) }
        let dbs = names.map { name in
            Database(
                configuration: DatabaseConfiguration(
                    host: cluster.host, port: cluster.port, database: name, username: cluster.superuser, maxConnections: 4),
                logger: Self.logger)
        }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            for db in dbs { group.addTask { await db.run(); return nil } }
            defer { group.cancelAll() }
            for db in dbs { try await Migrator(database: db).migrate() }
            return try await body(dbs, cluster, names)
        }
    }

    @Test func everyTableHasExactlyTheColumnsOfItsRecordAndTheirTypes() async throws {
        try await withDatabases(count: 1) { _, cluster, names in
            for table in RecordTable.all {
                let out = try await cluster.psql(
                    """
                    SELECT column_name, data_type, is_nullable FROM information_schema.columns
                    WHERE table_schema = 'public' AND table_name = '\(table.name)' ORDER BY ordinal_position
                    """, database: names[0])
                var columns: [String: (type: String, nullable: Bool)] = [:]
                for line in out.split(separator: "\n") {
                    let parts = line.split(separator: "|").map(String.init)
                    try #require(parts.count == 3)
                    columns[parts[0]] = (parts[1], parts[2] == "YES")
                }
                // A column a migration adds must be added to a schema, a context or a state list.
                #expect(Set(columns.keys) == Set(table.columns), "\(table.name)")
                #expect(table.columns.count == Set(table.columns).count, "\(table.name) names a column twice")
                for field in table.fields {
                    #expect(columns[field.name]?.type == field.columnType, "\(table.name).\(field.name)")
                    #expect(columns[field.name]?.nullable == field.isOptional, "\(table.name).\(field.name)")
                }
                #expect(!table.key.isOptional)
            }
            // seals.manifest_id holds the manifest's key; seal_executed sets state columns of seals.
            let sealColumns = try await cluster.psql(
                """
                SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY column_name) FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name = 'seals' AND column_name IN ('manifest_id', 'executed_at')
                """, database: names[0])
            let executedAt = try #require(RecordUpdate.sealExecution.fields.last)
            #expect(
                sealColumns.trimmingCharacters(in: .whitespacesAndNewlines)
                    == "executed_at:\(executedAt.columnType),manifest_id:\(RecordTable.manifests.key.columnType)")
        }
    }

    @Test func kindsTablesAndBodiesAgree() {
        for kind in LedgerKind.allCases {
            guard let first = kind.tables.first else { continue }
            // Coverage joins rows to entries by the subject: the first table's key.
            #expect(first.key.name == kind.subjectField)
            #expect(first.member == nil || kind == .manifest)
            for table in kind.tables.dropFirst() {
                #expect(table.parentKey != nil)
                #expect(table.context.map(\.name).contains(table.parentKey ?? ""))
            }
        }
        #expect(Set(LedgerKind.allCases.flatMap(\.tables).map(\.name)) == Set(RecordTable.all.map(\.name)))
        let update = RecordUpdate.sealExecution
        #expect(update.fields.first == RecordTable.seals.key)
        #expect(Set(update.fields.dropFirst().map(\.name)).isSubset(of: RecordTable.seals.state))
    }

    @Test func aGatewayWriteIsOneStatementWhoseValuesAreAllBound() throws {
        let key = SigningKey.generate().key
        let now = RelayClock.system.now()
        let manifest = Manifest(
            manifestID: UUID(), timestamp: now, agent: .init(agentID: "agent_'quoted'", orgID: "org_1"),
            action: .init(provider: "stripe", method: "create_payment", parameters: ["note": "'; DROP TABLE seals; --"]),
            justification: .init(reasoning: "O'Brien"))
        let seal = SealIssuer(region: "r1", key: key, ttlMinutes: 5).issue(
            for: manifest, approved: true, denialReason: nil, policyVersion: "1", now: now)
        let records: [LedgerRecord] = [
            .manifest(ManifestRecord(manifest, seal: seal), SealRecord(seal)),
            .orgRegistered(OrgRecord(orgID: "org_1", orgName: "O'Brien & Co", contactEmail: "o@b.test", createdAt: now)),
            .agentRegistered(AgentRecord(agentID: "agent_1", orgID: "org_1", agentName: "a", description: nil, createdAt: now)),
            .authEvent(AuthEventRecord(eventID: UUID().uuidString.lowercased(), event: AuthEvent(type: "token", success: false), createdAt: now)),
        ]
        for record in records {
            let query = try record.write(region: "r1")
            // Every value is a parameter: the region once, each column of each table, and the
            // ledger record's kind, subject and body. Nothing quoted is ever in the SQL text.
            let columns = record.kind.tables.map { $0.fields.count + $0.context.count - 1 }.reduce(0, +)
            #expect(query.binds.count == 1 + columns + 3, "\(record.kind)")
            #expect(!query.sql.contains("'") && !query.sql.contains(";"), "\(query.sql)")
            #expect(query.sql.components(separatedBy: "INSERT INTO").count == record.kind.tables.count + 2)
        }
    }

    /// One record of every kind, with the awkward values: nulls, non-ASCII text, a double that
    /// needs 17 digits, large and nested parameters.
    private func writeOneOfEach(on db: Database, region: String) async throws -> [LedgerRecord] {
        var records: [LedgerRecord] = []
        let identities = IdentityStore(database: db)
        let now = RelayClock.system.now()
        let (org, initial) = try await identities.registerOrganization(
            name: "Zürich – 東京 \"Ωmega\" \\ 🚀\u{1}", contactEmail: "ops@straße.example", initialAgentName: "initial",
            region: region, now: now)
        records.append(.orgRegistered(OrgRecord(orgID: org.orgID, orgName: org.orgName, contactEmail: org.contactEmail, createdAt: now)))
        let second = try await identities.registerAgent(orgID: org.orgID, name: "second", description: "buys things", region: region, now: now)
        for a in [initial, second] {
            records.append(
                .agentRegistered(AgentRecord(agentID: a.agentID, orgID: a.orgID, agentName: a.agentName, description: a.description, createdAt: a.createdAt)))
        }

        let issuer = SealIssuer(region: region, key: SigningKey.generate().key, ttlMinutes: 5)
        var approvedSeal: Seal?
        for approved in [true, false] {
            let manifest = Manifest(
                manifestID: UUID(), timestamp: now.adding(microseconds: -1),
                agent: .init(agentID: second.agentID, orgID: org.orgID, userID: approved ? "user-7" : nil),
                action: .init(
                    provider: "stripe", method: "create_payment",
                    parameters: ["amount": 1e21, "fee": 0.1, "tiny": .number(.leastNonzeroMagnitude), "nested": ["list": [1, "two", nil, true]]]),
                justification: .init(
                    reasoning: "pay invoice ✓", confidenceScore: approved ? 0.1 + 0.2 : nil,
                    context: approved ? ["invoice": "INV-1", "lines": [1, 2]] : nil),
                environment: "staging")
            let seal = issuer.issue(
                for: manifest, approved: approved, denialReason: approved ? nil : "No policy matched", policyVersion: "1.0.0-test",
                now: now)
            try await ManifestWriter(database: db).record(manifest, seal: seal)
            records.append(.manifest(ManifestRecord(manifest, seal: seal), SealRecord(seal)))
            if approved { approvedSeal = seal }
        }
        let seal = try #require(approvedSeal)
        let executedAt = now.adding(microseconds: 1)
        #expect(try await SealStore(database: db).markExecuted(id: seal.payload.sealID, now: executedAt, region: region) == .executed(at: executedAt))
        records.append(.sealExecuted(sealID: seal.payload.sealID, executedAt: executedAt))

        for (i, event) in [
            AuthEvent(type: "token", success: false, reason: "token expired"),
            AuthEvent(type: "authentication", success: true, agentID: second.agentID, orgID: org.orgID, endpoint: "/v1/agents", clientIP: "203.0.113.7"),
        ].enumerated() {
            let id = UUID()
            let at = now.adding(microseconds: Int64(i))
            try await identities.record(event, region: region, now: at, eventID: id)
            records.append(.authEvent(AuthEventRecord(eventID: id.uuidString.lowercased(), event: event, createdAt: at)))
        }
        return records
    }

    /// Chains `region` until nothing is pending (bounded: other tests' transactions on the shared
    /// cluster can hold the snapshot horizon back for a while).
    private func chainAll(_ db: Database, region: String) async throws {
        let store = LedgerStore(database: db)
        let deadline = ContinuousClock.now + .seconds(120)
        while try await store.backlog(region: region).count > 0 {
            try #require(ContinuousClock.now < deadline, "records of \(region) still unchained")
            if case .chained = try await ChainStore(database: db).step(region: region) { continue }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Every row of `kind` that verification reads in `region`, by subject.
    private func coverage(_ db: Database, kind: LedgerKind, region: String) async throws -> [String: LedgerPair] {
        var pairs: [String: LedgerPair] = [:]
        try await LedgerCoverage(database: db).forEachPair(kind: kind, region: region) { pairs[$0.subject] = $0 }
        return pairs
    }

    @Test func aRecordWrittenByTheGatewayReadsBackAndMaterialisesElsewhereAsEqualRows() async throws {
        try await withDatabases(count: 2) { dbs, cluster, names in
            let (origin, replica) = (dbs[0], dbs[1])
            let region = "r1"
            let records = try await writeOneOfEach(on: origin, region: region)
            try await chainAll(origin, region: region)
            var entries: [LedgerEntry] = []
            try await LedgerStore(database: origin).forEachEntry(region: region) { entry, _ in entries.append(entry) }
            #expect(entries.count == records.count)

            // The ledger holds exactly the bodies of the records, in write order.
            #expect(entries.map(\.body) == records.map(\.bodyBytes))
            #expect(entries.map(\.kind) == records.map(\.kind))

            // The replica materialises the bodies, as ReplicaStore.apply does, in one transaction.
            try await replica.transaction("materialise \(region)") { conn in
                try await ReplicaMaterializer(origin: region, logger: Self.logger).materialize(entries, on: conn)
            }

            for kind in [LedgerKind.orgRegistered, .agentRegistered, .manifest, .authEvent] {
                let written = records.filter { $0.kind == kind }
                let atOrigin = try await coverage(origin, kind: kind, region: region)
                let atReplica = try await coverage(replica, kind: kind, region: region)
                #expect(atOrigin.count == written.count, "\(kind)")
                #expect(atReplica.count == written.count, "\(kind)")
                for record in written {
                    // Origin: the row reads back as the record, next to the entry holding its body.
                    let pair = try #require(atOrigin[record.subject], "\(kind) \(record.subject) not read back")
                    #expect(pair.row == record)
                    #expect(pair.rowNote == nil)
                    #expect(pair.ledgerBody == record.bodyBytes)
                    #expect(pair.seq != nil)
                    // Replica: the row materialised from that body reads back as the same record.
                    let copy = try #require(atReplica[record.subject], "\(kind) \(record.subject) not materialised")
                    #expect(copy.row == record)
                }
            }

            // Whole rows, every column (region, defaults, execution state) included, are equal.
            for table in RecordTable.all {
                let query = """
                    SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY t.\(table.key.name)), '[]') FROM \(table.name) t
                    """
                let atOrigin = try await cluster.psql(query, database: names[0])
                let atReplica = try await cluster.psql(query, database: names[1])
                #expect(atOrigin == atReplica, "\(table.name)")
                #expect(atOrigin.contains("\"region\": \"r1\""), "\(table.name): \(atOrigin)")
            }
            let executed = try await cluster.psql("SELECT count(*) FROM seals WHERE was_executed", database: names[1])
            #expect(executed.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        }
    }

    @Test func aManifestWithoutItsSealRowIsNotedNotMisread() async throws {
        try await withDatabases(count: 1) { dbs, cluster, names in
            let db = dbs[0]
            _ = try await writeOneOfEach(on: db, region: "r1")
            try await chainAll(db, region: "r1")
            // Behind the triggers: the denied decision's seal row disappears.
            _ = try await cluster.psql(
                """
                ALTER TABLE seals DISABLE TRIGGER USER;
                DELETE FROM seals WHERE NOT approved;
                ALTER TABLE seals ENABLE TRIGGER USER;
                """, database: names[0])
            let pairs = try await coverage(db, kind: .manifest, region: "r1")
            #expect(pairs.count == 2)
            let orphan = try #require(pairs.values.first { $0.row == nil })
            #expect(orphan.rowNote == "the manifest row is there but its seal row is missing")
            #expect(orphan.seq != nil)
        }
    }
}
