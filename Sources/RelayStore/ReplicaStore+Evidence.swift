import Foundation
import PostgresNIO
import RelayCore

extension ReplicaStore {
    /// Every batch header of `origin` this region (`holder`) keeps: those of the batches it applied
    /// (`replica_batches`, by seq) and of the batches it refused as divergent (`divergent_batches`).
    /// A stored header that cannot be read as one is returned in `unreadable` (seqs, why).
    public func statements(origin: String, holder: String) async throws -> (statements: [SignedStatement], unreadable: [(firstSeq: Int64, detail: String)]) {
        return try await database.operation("read the batch headers of \(origin) kept by \(holder)") { conn in
            var statements: [SignedStatement] = []
            var unreadable: [(Int64, String)] = []
            for try await (first, last, header, signature) in try await conn.guardedQuery(
                "SELECT first_seq, last_seq, header, signature FROM replica_batches WHERE origin = \(origin) ORDER BY last_seq, first_seq",
                logger: database.logger
            ).decode((Int64, Int64, Data, Data).self) {
                guard let s = SignedStatement(heldBy: holder, held: .applied, headerBytes: Array(header), signature: Array(signature)),
                    s.header.firstSeq == first, s.header.lastSeq == last
                else {
                    unreadable.append((first, "the header stored for seqs \(first)…\(last) is not a batch header of those seqs"))
                    continue
                }
                statements.append(s)
            }
            for try await (seq, bytes) in try await conn.guardedQuery(
                "SELECT seq, batch FROM divergent_batches WHERE origin = \(origin) ORDER BY id", logger: database.logger
            ).decode((Int64, Data).self) {
                guard let batch = try? Batch.parse(Array(bytes)),
                    let s = SignedStatement(
                        heldBy: holder, held: .refused, headerBytes: CanonicalJSON.bytes(batch.header.json), signature: batch.signature)
                else {
                    unreadable.append((seq, "the divergent batch kept for seq \(seq) is not a batch"))
                    continue
                }
                statements.append(s)
            }
            return (statements, unreadable)
        }
    }

    /// `origin`'s replica head as recorded (nil when nothing was ever received).
    public func head(origin: String) async throws -> LedgerHead? {
        try await heads().first { $0.head.origin == origin }.map { LedgerHead(seq: $0.head.seq, hash: $0.head.hash, epoch: $0.head.epoch) }
    }
}
