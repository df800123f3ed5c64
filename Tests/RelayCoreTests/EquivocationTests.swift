import Foundation
import RelayCore
import Testing

/// Signed statements, their conflicts, and the evidence file checked with nothing but itself.
struct EquivocationTests {
    let key = SigningKey.generate().key
    let at = Timestamp(microseconds: 1_780_000_000_000_000)

    /// A header of `origin` for seqs `first`…`last`, signed with `key` (the origin's unless given).
    func statement(
        first: Int64, last: Int64, prev: UInt8, head: UInt8, held: SignedStatement.Held = .applied, by holder: String = "r2",
        key: SigningKey? = nil
    ) -> SignedStatement {
        let k = key ?? self.key
        let header = BatchHeader(
            origin: "r1", epoch: 1, batchNo: first, firstSeq: first, lastSeq: last, prevHash: [UInt8](repeating: prev, count: 32),
            headHash: [UInt8](repeating: head, count: 32), count: last - first + 1, createdAt: at, keyID: k.keyID)
        return SignedStatement(
            heldBy: holder, held: held, headerBytes: CanonicalJSON.bytes(header.json), signature: k.sign(header.signingBytes))!
    }

    var trusted: [String: [UInt8]] { [key.keyID: key.publicKey] }

    @Test func aStatementClaimsItsPrevHashAndItsHeadHash() {
        let s = statement(first: 5, last: 9, prev: 4, head: 9)
        #expect(s.claims.map(\.seq) == [4, 9])
        #expect(s.claim(at: 4) == [UInt8](repeating: 4, count: 32) && s.claim(at: 9) == [UInt8](repeating: 9, count: 32))
        #expect(s.claim(at: 6) == nil)
        #expect(statement(first: 1, last: 3, prev: 0, head: 3).claims.map(\.seq) == [3], "genesis is not a claim")
    }

    @Test func onlyTheOriginsKeyOverTheExactHeaderBytesVerifies() {
        let s = statement(first: 5, last: 9, prev: 4, head: 9)
        #expect(s.verifies(origin: "r1", trusted: trusted))
        #expect(!s.verifies(origin: "r2", trusted: trusted), "another origin")
        #expect(!s.verifies(origin: "r1", trusted: [:]), "no key")
        let other = SigningKey.generate().key
        #expect(!statement(first: 5, last: 9, prev: 4, head: 9, key: other).verifies(origin: "r1", trusted: trusted), "signed by another key")
        var forged = s
        forged.signature[0] ^= 1
        #expect(!forged.verifies(origin: "r1", trusted: trusted))
        let altered = SignedStatement(
            heldBy: "r2", held: .applied, headerBytes: Array(String(decoding: s.headerBytes, as: UTF8.self).replacingOccurrences(of: "\"batch_no\":5", with: "\"batch_no\":6").utf8),
            signature: s.signature)
        #expect(altered?.verifies(origin: "r1", trusted: trusted) == false)
        #expect(SignedStatement(heldBy: "r2", held: .applied, headerBytes: Array("{}".utf8), signature: s.signature) == nil)
        #expect(SignedStatement(json: s.json) == s)
    }

    @Test func twoStatementsWithDifferentHashesAtOneSeqConflictAndAgreeingOnesDoNot() {
        let a = statement(first: 1, last: 10, prev: 0, head: 10)
        let b = statement(first: 11, last: 20, prev: 10, head: 20)
        #expect(Equivocation.conflicts(origin: "r1", among: [a, b]).isEmpty, "b follows a")
        let refused = statement(first: 11, last: 12, prev: 99, head: 12, held: .refused, by: "r3")
        let found = Equivocation.conflicts(origin: "r1", among: [refused, a, b])
        #expect(found.map(\.seq) == [10])
        #expect(found.first?.first == a && found.first?.second == refused, "the applied header first")
        #expect(found.first?.finding.reason == .equivocation && found.first?.finding.seq == 10)
        // Several conflicts: one per seq, in seq order.
        let c = statement(first: 21, last: 30, prev: 77, head: 30, held: .refused)
        #expect(Equivocation.conflicts(origin: "r1", among: [c, refused, a, b]).map(\.seq) == [10, 20])
    }

    @Test func theEvidenceFileHoldsWithItsOwnKeysAndNotWhenAnythingIsChanged() throws {
        let regions = try RegionSet(regions: [
            Region(
                id: "r1", gatewayURL: URL(string: "http://127.0.0.1:1")!, drURL: URL(string: "http://127.0.0.1:2")!,
                database: RegionDatabase(host: .literal("127.0.0.1")),
                keys: [RegionKey(purpose: .ledger, publicKey: key.publicKey, validFrom: try Timestamp(iso8601: "2026-01-01T00:00:00Z"))])
        ])
        let a = statement(first: 1, last: 10, prev: 0, head: 10)
        let refused = statement(first: 11, last: 12, prev: 99, head: 12, held: .refused, by: "r3")
        let e = Equivocation.conflicts(origin: "r1", among: [a, refused])
        let file = EquivocationEvidence(createdAt: at, equivocations: e, regions: regions).json
        #expect(EquivocationEvidence.check(file).isEmpty, "\(EquivocationEvidence.check(file))")
        let text = CanonicalJSON.string(file)
        for (what, from, to) in [
            ("a claimed hash", Hex.encode([UInt8](repeating: 99, count: 32)), Hex.encode([UInt8](repeating: 98, count: 32))),
            ("the public key", Base64.encode(key.publicKey), Base64.encode(SigningKey.generate().key.publicKey)),
        ] {
            let changed = try JSONParser.parse(Array(text.replacingOccurrences(of: from, with: to).utf8))
            #expect(!EquivocationEvidence.check(changed).isEmpty, "\(what) changed")
        }
        // One statement against the recorded current hash: proven only when they differ.
        var single = Equivocation(origin: "r1", seq: 10, first: a, second: nil, currentHash: [UInt8](repeating: 1, count: 32))
        #expect(EquivocationEvidence.check(EquivocationEvidence(createdAt: at, equivocations: [single], regions: regions).json).isEmpty)
        single.currentHash = a.claim(at: 10)
        #expect(!EquivocationEvidence.check(EquivocationEvidence(createdAt: at, equivocations: [single], regions: regions).json).isEmpty)
        #expect(!EquivocationEvidence.check(["format": "something else"]).isEmpty)
    }
}
