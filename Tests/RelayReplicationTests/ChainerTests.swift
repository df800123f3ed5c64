import Foundation
import RelayCore
import RelayReplication
import RelayStore
import Testing

/// The chainer under concurrency: writers committing in random order, rollbacks, a long open
/// transaction, kill -9 of the chainer process, and two chainers racing. Each test has a cluster
/// of its own, so no other test's transactions hold the snapshot horizon back.
extension MultiRegionSuites {
@Suite(.timeLimit(.minutes(5)))
struct ChainerTests {
    /// Subjects of every chained entry, in seq order.
    private func chainedSubjects(_ f: LedgerFixture) async throws -> [String] {
        try await f.entries().map(\.1)
    }

    @Test func concurrentWritersInRandomCommitOrderWithRollbacksAndALongTransaction() async throws {
        try await LedgerFixture.with(maxConnections: 80, dedicated: true) { f in
            let chainer = f.chainer(batchLimit: 50)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await chainer.run() }
                // The long transaction writes first, so its xid is the oldest: nothing written after
                // it can be chained while it is open.
                let longID = UUID()
                let holding = ManagedFlag()
                let release = ManagedFlag()
                group.addTask {
                    try await f.writeInTransaction(eventID: longID, sleep: 0, commit: true) {
                        holding.set()
                        while !release.isSet { try await Task.sleep(for: .milliseconds(10)) }
                    }
                }
                // Once its record is written (uncommitted), it holds the horizon back.
                while !holding.isSet { try await Task.sleep(for: .milliseconds(10)) }

                var rng = SystemRandomNumberGenerator()
                let plan = (0..<64).map { i in (id: UUID(), sleep: Double.random(in: 0...1.5, using: &rng), commit: i % 5 != 0) }
                try await withThrowingTaskGroup(of: Void.self) { writers in
                    for w in plan {
                        writers.addTask { try await f.writeInTransaction(eventID: w.id, sleep: w.sleep, commit: w.commit) }
                    }
                    try await writers.waitForAll()
                }
                // All 64 writers are done, the long transaction is still open: chaining is held back.
                let held = try await LedgerStore(database: f.database).backlog(region: f.region)
                #expect(held.count >= 51, "records behind the long transaction must wait, not be skipped")
                #expect(try await chainedSubjects(f).isEmpty)
                try await Task.sleep(for: .milliseconds(300))  // several chainer polls: still nothing
                #expect(try await chainedSubjects(f).isEmpty)
                release.set()

                // Once it commits, everything is chained.
                let committed = Set(plan.filter(\.commit).map { $0.id.uuidString.lowercased() } + [longID.uuidString.lowercased()])
                let deadline = ContinuousClock.now + .seconds(30)
                while try await LedgerStore(database: f.database).backlog(region: f.region).count > 0 || chainer.status.head?.seq ?? 0 < Int64(committed.count) {
                    guard ContinuousClock.now < deadline else { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                group.cancelAll()

                let subjects = try await chainedSubjects(f)
                #expect(subjects.count == committed.count, "every committed record exactly once")
                #expect(Set(subjects) == committed, "nothing from a rolled-back transaction, nothing lost")
                #expect(subjects.first == longID.uuidString.lowercased(), "commit order follows xid order")
                let result = try await f.verify()
                #expect(result.consistent, "\(result.table)")
                #expect(result.entriesChecked == Int64(committed.count))
            }
        }
    }

    @Test func twoChainersRacingBuildOneCorrectChain() async throws {
        try await LedgerFixture.with(maxConnections: 20, dedicated: true) { f in
            let a = f.chainer(batchLimit: 7)
            let b = f.chainer(batchLimit: 7)
            var ids: [String] = []
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await a.run() }
                group.addTask { try await b.run() }
                for round in 0..<20 {
                    let batch = (0..<15).map { _ in UUID() }
                    ids += batch.map { $0.uuidString.lowercased() }
                    try await withThrowingTaskGroup(of: Void.self) { writers in
                        for id in batch {
                            writers.addTask { try await f.writeInTransaction(eventID: id, sleep: round % 2 == 0 ? 0 : 0.01, commit: true) }
                        }
                        try await writers.waitForAll()
                    }
                }
                try await f.waitUntilChained(count: ids.count)
                group.cancelAll()
            }
            let subjects = try await chainedSubjects(f)
            #expect(subjects.count == ids.count)
            #expect(Set(subjects) == Set(ids))
            #expect(try await f.verify().consistent)
            #expect(a.status.linked + b.status.linked == Int64(ids.count))
        }
    }

    @Test func killingTheChainerProcessAtRandomPointsLosesAndDuplicatesNothing() async throws {
        let relayDR = ChainerProcess.executable
        try #require(FileManager.default.isExecutableFile(atPath: relayDR), "build relay-dr first (swift build)")
        try await LedgerFixture.with(maxConnections: 20, dedicated: true) { f in
            let stop = ManagedFlag()
            // Writers run throughout; every committed id must end up chained exactly once.
            let writer = Task { () -> [String] in
                var written: [String] = []
                while !stop.isSet {
                    let batch = (0..<8).map { _ in UUID() }
                    try await withThrowingTaskGroup(of: Void.self) { g in
                        for id in batch { g.addTask { try await f.writeInTransaction(eventID: id, sleep: 0, commit: true) } }
                        try await g.waitForAll()
                    }
                    written += batch.map { $0.uuidString.lowercased() }
                }
                return written
            }
            var rng = SystemRandomNumberGenerator()
            var kills = 0
            for _ in 0..<20 {
                let process = try ChainerProcess.start(fixture: f, batchLimit: Int.random(in: 1...40, using: &rng))
                try await Task.sleep(for: .milliseconds(Int.random(in: 300...1200, using: &rng)))
                await process.kill9()
                kills += 1
            }
            stop.set()
            let written = try await writer.value
            let chainedByKilled = try await LedgerStore(database: f.database).recordedHead(region: f.region)?.seq ?? 0
            #expect(chainedByKilled > 0, "the killed processes were chaining when they died")
            // A last, clean run finishes what the killed ones left.
            try await f.chainAll()
            let subjects = try await chainedSubjects(f)
            #expect(kills == 20)
            #expect(subjects.count == written.count, "no loss, no duplicate")
            #expect(Set(subjects) == Set(written))
            #expect(Set(subjects).count == subjects.count)
            let result = try await f.verify()
            #expect(result.consistent, "\(result.table)")
        }
    }
}
}
