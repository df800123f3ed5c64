import Foundation
import RelayCore
import RelayReplication
import RelayStore
import RelaySystem
import Testing

/// `relay-dr verify --local` on real data: a clean chain passes, and every tamper case of issue 4
/// is reported with the exact seq, kind and what differs.
@Suite(.timeLimit(.minutes(3)))
struct LocalVerifierTests {
    @Test func everyWriteProducesExactlyOneEntryAndTheChainVerifies() async throws {
        try await LedgerFixture.with { f in
            _ = try await f.writeOneOfEach()
            try await f.chainAll()
            let kinds = try await f.entries().map(\.0.kind)
            #expect(kinds == [.orgRegistered, .agentRegistered, .manifest, .manifest, .sealExecuted, .authEvent])
            let result = try await f.verify()
            #expect(result.consistent, "\(result.table)")
            #expect(result.entriesChecked == 6)
            #expect(result.rowsChecked == 5)
            #expect(result.recordedHeadSeq == 6)
        }
    }

    @Test func aDryRunOrRejectedWriteProducesNoEntry() async throws {
        try await LedgerFixture.with { f in
            let seal = try await f.decide()
            // A reused manifest id is refused: nothing written, no outbox row.
            let manifestID = UUID(uuidString: seal.payload.manifestID)!
            let manifest = Manifest(
                manifestID: manifestID, timestamp: RelayClock.system.now(), agent: .init(agentID: "a", orgID: "o"),
                action: .init(provider: "p", method: "m", parameters: [:]), justification: .init(reasoning: "r"))
            let again = f.issuer.issue(for: manifest, approved: true, denialReason: nil, policyVersion: "v", now: RelayClock.system.now())
            await #expect(throws: StoreError.duplicateManifest(seal.payload.manifestID)) {
                try await ManifestWriter(database: f.database).record(manifest, seal: again)
            }
            // A second execution changes nothing and records nothing.
            let store = SealStore(database: f.database)
            #expect(try await store.markExecuted(id: seal.payload.sealID, now: RelayClock.system.now(), region: f.region) != .alreadyExecuted)
            #expect(try await store.markExecuted(id: seal.payload.sealID, now: RelayClock.system.now(), region: f.region) == .alreadyExecuted)
            try await f.chainAll()
            #expect(try await f.entries().map(\.0.kind) == [.manifest, .sealExecuted])
            #expect(try await f.verify().consistent)
        }
    }

    /// Runs `tamper` on a clean, chained data set and returns the findings.
    private func findings(after tamper: @Sendable (LedgerFixture, Seal) async throws -> Void) async throws -> [LedgerFinding] {
        try await LedgerFixture.with { f in
            let (seal, _) = try await f.writeOneOfEach()
            try await f.chainAll()
            #expect(try await f.verify().consistent)
            try await tamper(f, seal)
            let result = try await f.verify()
            #expect(!result.consistent)
            return result.findings
        }
    }

    @Test func aManifestRowEditedBehindTheTriggersIsNamedBySeq() async throws {
        let found = try await findings { f, seal in
            try await f.sql(
                """
                ALTER TABLE manifests DISABLE TRIGGER manifests_immutable;
                UPDATE manifests SET parameters = '{"amount": 1000000, "currency": "USD"}'
                    WHERE manifest_id = '\(seal.payload.manifestID)';
                """)
        }
        #expect(found.count == 1)
        #expect(found.first?.seq == 3)
        #expect(found.first?.kind == "manifest")
        #expect(found.first?.problem == .rowDiffers)
        #expect(found.first?.detail.contains("manifest.parameters.amount: ledger 100, row 1000000") == true)
    }

    @Test func aLedgerRowEditedIsNamedBySeq() async throws {
        let found = try await findings { f, _ in
            try await f.sql(
                """
                ALTER TABLE ledger_records DISABLE TRIGGER ledger_records_immutable;
                UPDATE ledger_records SET body = convert_to(replace(convert_from(body, 'UTF8'), '"amount":100', '"amount":1'), 'UTF8')
                    WHERE id = (SELECT record_id FROM ledger WHERE seq = 3);
                """)
        }
        let chain = found.filter { $0.problem == .hashMismatch }
        #expect(chain.map(\.seq) == [3])
        #expect(chain.first?.kind == "manifest")
        // The row no longer matches the edited body either, at the same seq.
        #expect(found.allSatisfy { $0.seq == 3 })
    }

    @Test func aLedgerRowRewrittenWithAFreshHashBreaksTheNextLink() async throws {
        let found = try await findings { f, _ in
            try await f.sql(
                """
                ALTER TABLE ledger DISABLE TRIGGER ledger_immutable;
                UPDATE ledger SET hash = sha256('forged') WHERE seq = 2;
                """)
        }
        #expect(found.contains { $0.seq == 2 && $0.problem == .hashMismatch })
        #expect(found.contains { $0.seq == 3 && $0.problem == .brokenLink })
    }

    @Test func aDeletedLedgerRowIsAGapAtItsSeq() async throws {
        let found = try await findings { f, _ in
            try await f.sql("ALTER TABLE ledger DISABLE TRIGGER ledger_immutable; DELETE FROM ledger WHERE seq = 4;")
        }
        let gap = try #require(found.first { $0.problem == .gap })
        #expect(gap.seq == 5)
        #expect(gap.detail.contains("seq 4 is missing"))
        // Its (denied) manifest row is now recorded by nothing.
        #expect(found.contains { $0.problem == .entryMissing && $0.kind == "manifest" })
    }

    @Test func aTruncatedTailIsNamedFromTheFirstMissingSeq() async throws {
        let found = try await findings { f, _ in
            try await f.sql("ALTER TABLE ledger DISABLE TRIGGER ledger_immutable; DELETE FROM ledger WHERE seq >= 5;")
        }
        let cut = try #require(found.first { $0.problem == .truncated })
        #expect(cut.seq == 5)
        #expect(cut.detail.contains("seqs 5…6 are missing"))
    }

    @Test func aDomainRowWithNoEntryIsReported() async throws {
        let found = try await findings { f, _ in
            try await f.sql(
                """
                INSERT INTO auth_events (event_id, region, event_type, success, created_at)
                VALUES ('00000000-0000-4000-8000-000000000001', '\(f.region)', 'token', true, now());
                """)
        }
        #expect(found.count == 1)
        #expect(found.first?.seq == nil)
        #expect(found.first?.kind == "auth_event")
        #expect(found.first?.subject == "00000000-0000-4000-8000-000000000001")
        #expect(found.first?.problem == .entryMissing)
    }

    @Test func aSealMarkedExecutedWithNoEntryIsNamedByItsManifestSeq() async throws {
        let found = try await findings { f, _ in
            let seal = try await f.decide()  // seq 7 once chained
            try await f.chainAll()
            try await f.sql(
                """
                ALTER TABLE seals DISABLE TRIGGER seals_guard;
                UPDATE seals SET was_executed = true, executed_at = now() WHERE seal_id = '\(seal.payload.sealID)';
                """)
        }
        #expect(found.count == 1)
        #expect(found.first?.seq == 7)
        #expect(found.first?.kind == "manifest")
        #expect(found.first?.problem == .executionMismatch)
        #expect(found.first?.detail.contains("no seal_executed entry") == true)
    }
}
