import RelayCore
import RelayReplication
import Testing

/// The verifier's decisions on copies held in memory: which copy is the reference, what is
/// reported for a gap in the reference, an unreachable region, a removed tail, the filters.
struct CrossRegionVerifierTests {
    /// Copies by holder and origin: seq → hash byte; the recorded head; regions that do not answer.
    struct MemorySource: CopySource {
        var chains: [String: [String: [Int64: UInt8]]]
        var recorded: [String: [String: Int64]] = [:]
        var down: Set<String> = []

        struct Down: Error {}

        func copies(at region: String) async throws -> [CopyHead] {
            if down.contains(region) { throw Down() }
            return (chains[region] ?? [:]).sorted { $0.key < $1.key }.map { origin, entries in
                let seq = entries.keys.max() ?? 0
                return CopyHead(
                    origin: origin, holder: region, seq: seq, hash: [UInt8](repeating: entries[seq] ?? 0, count: 32), count: Int64(entries.count),
                    recordedSeq: recorded[region]?[origin] ?? seq)
            }
        }

        func hashAt(origin: String, seq: Int64, at region: String) async throws -> CopyHashAt {
            if down.contains(region) { throw Down() }
            let entries = chains[region]?[origin] ?? [:]
            return CopyHashAt(seq: seq, hash: entries[seq].map { [UInt8](repeating: $0, count: 32) }, heldThrough: Int64(entries.keys.filter { $0 <= seq }.count))
        }

        func fullCheck(at region: String) async throws -> RegionFullCheck.Report { RegionFullCheck.Report() }
    }

    /// A chain 1…n with hash byte `base + seq` (mod 256), from `from` on `other` instead.
    static func chain(_ n: Int64, base: UInt8 = 0, divergingAt from: Int64? = nil, other: UInt8 = 100) -> [Int64: UInt8] {
        Dictionary(uniqueKeysWithValues: (Int64(1)...max(1, n)).prefix(Int(n)).map { s in
            (s, (from.map { s >= $0 } ?? false ? other : base) &+ UInt8(truncatingIfNeeded: s))
        })
    }

    func verdicts(_ source: MemorySource, origins: Set<String>? = nil, holders: Set<String>? = nil) async -> [String: CopyVerdict] {
        let all = await CrossRegionVerifier(regions: ["r1", "r2", "r3"], source: source, origins: origins, holders: holders).run()
        return Dictionary(uniqueKeysWithValues: all.map { ("\($0.origin)/\($0.holder)", $0) })
    }

    @Test func copiesBehindTheOriginAreConsistentAndCostOneLookUpEach() async {
        let source = MemorySource(chains: ["r1": ["r1": Self.chain(50)], "r2": ["r1": Self.chain(50)], "r3": ["r1": Self.chain(20)]])
        let v = await verdicts(source, origins: ["r1"])
        #expect(v.values.allSatisfy { $0.status == .consistent }, "\(v)")
        #expect(v["r1/r3"]?.lookUps == 2 && v["r1/r2"]?.comparedWith == "r1")
    }

    @Test func aReplicaLongerThanTheOriginIsTheReferenceAndTheOriginIsNamedBehindIt() async {
        // r1 lost its tail (restored from a backup) and its recorded head says so.
        let source = MemorySource(
            chains: ["r1": ["r1": Self.chain(30)], "r2": ["r1": Self.chain(50)], "r3": ["r1": Self.chain(50)]], recorded: ["r1": ["r1": 50]])
        let v = await verdicts(source, origins: ["r1"])
        #expect(v["r1/r2"]?.comparedWith == nil, "r2 is the reference")
        #expect(v["r1/r1"]?.findings.map(\.reason) == [.truncated] && v["r1/r1"]?.findings.first?.seq == 31)
        #expect(v["r1/r3"]?.status == .consistent)
    }

    @Test func aCompleteCopyIsPreferredAsTheReferenceOverAnOriginWithAGap() async {
        var r1 = Self.chain(40)
        for s in Int64(10)...12 { r1[s] = nil }
        let source = MemorySource(chains: ["r1": ["r1": r1], "r2": ["r1": Self.chain(40)], "r3": ["r1": Self.chain(40, divergingAt: 30)]])
        let v = await verdicts(source, origins: ["r1"])
        #expect(v["r1/r2"]?.comparedWith == nil, "r2 holds every entry: the reference")
        #expect(v["r1/r1"]?.findings.map(\.reason) == [.missingRange] && v["r1/r1"]?.findings.first?.seq == 10, "\(String(describing: v["r1/r1"]))")
        #expect(v["r1/r3"]?.findings.map(\.reason) == [.hashDiffers] && v["r1/r3"]?.findings.first?.seq == 30)
    }

    @Test func aGapInTheLongestCopyIsNamedThereAndOtherCopiesAreComparedOnlyBelowIt() async {
        var r2 = Self.chain(50)
        for s in Int64(10)...12 { r2[s] = nil }
        let source = MemorySource(chains: ["r1": ["r1": Self.chain(40, divergingAt: 5)], "r2": ["r1": r2], "r3": ["r1": Self.chain(40)]])
        let v = await verdicts(source, origins: ["r1"])
        #expect(v["r1/r2"]?.comparedWith == nil, "the longest copy is the reference, gap or not")
        #expect(v["r1/r2"]?.findings.map(\.reason) == [.missingRange] && v["r1/r2"]?.findings.first?.seq == 10)
        #expect(v["r1/r1"]?.findings.first?.seq == 5, "a divergence below the gap is still found")
        #expect(v["r1/r3"]?.status == .consistent)
    }

    @Test func anUnreachableRegionCannotBeCheckedAndTheOthersStillAre() async {
        var source = MemorySource(chains: ["r1": ["r1": Self.chain(20)], "r2": ["r1": Self.chain(20, divergingAt: 7)], "r3": ["r1": Self.chain(20)]])
        source.down = ["r3"]
        let v = await verdicts(source, origins: ["r1"])
        #expect(v["r1/r3"]?.status == .couldNotCheck && v["r1/r3"]?.findings.first?.reason == .unreachable)
        #expect(v["r1/r2"]?.findings.first?.seq == 7)
        let run = CrossRegionVerification(startedAt: Timestamp(microseconds: 0), runBy: "r1", mode: "heads", via: "api", verdicts: Array(v.values))
        #expect(run.exitCode == 1, "inconsistent wins over could not check")
        source.chains["r2"] = ["r1": Self.chain(20)]
        let onlyDown = CrossRegionVerification(
            startedAt: Timestamp(microseconds: 0), runBy: "r1", mode: "heads", via: "api", verdicts: Array(await verdicts(source, origins: ["r1"]).values))
        #expect(onlyDown.exitCode == 2)
        source.down = ["r1"]
        let originDown = await verdicts(source, origins: ["r1"])
        #expect(originDown["r1/r1"]?.status == .couldNotCheck)
        #expect(originDown["r1/r3"]?.comparedWith == "r2", "the longest reachable copy is the reference")
    }

    @Test func theFiltersKeepTheirOriginsAndHoldersOnly() async {
        let source = MemorySource(chains: [
            "r1": ["r1": Self.chain(5), "r2": Self.chain(3)], "r2": ["r1": Self.chain(5), "r2": Self.chain(3)], "r3": ["r1": Self.chain(5)],
        ])
        #expect(Set(await verdicts(source).keys) == ["r1/r1", "r1/r2", "r1/r3", "r2/r1", "r2/r2", "r2/r3", "r3/r1", "r3/r2", "r3/r3"])
        #expect(Set(await verdicts(source, origins: ["r2"], holders: ["r3"]).keys) == ["r2/r3"])
        #expect(await verdicts(source, origins: ["r2"], holders: ["r3"])["r2/r3"]?.headSeq == 0, "nothing received yet: an empty prefix")
    }
}
