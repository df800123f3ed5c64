import RelayCore
import RelayStore

/// `relay-dr export --origin`: one offline audit file (docs/offline-audit.md) of `origin`'s chain
/// as held in the database it reads: a preamble with the origin's ledger keys, the signed batch
/// headers that database kept for the range, then the records, one JSON line each, streamed.
///
/// The origin's own database does not keep the headers it signed (its receivers do, in
/// `replica_batches`), so the normal source is a peer region's database; an export of the
/// origin's own ledger has records only, and the offline verifier reports them uncovered.
public struct AuditExport: Sendable {
    public let database: Database
    /// The region whose database `database` is.
    public let holder: String

    /// An export from `database`, the database of region `holder`.
    public init(database: Database, holder: String) {
        self.database = database
        self.holder = holder
    }

    /// Writes `origin`'s records `from…to` (to: the copy's head when nil; a `to` inside a batch is
    /// moved to that batch's end, so the last records are vouched for) to `write`, one line at a
    /// time without the newline; returns the preamble written (what the file holds). `keys` are
    /// the origin's ledger keys from the region files.
    @discardableResult
    public func run(
        origin: String, from: Int64 = 1, to: Int64? = nil, keys: [RegionKey], now: Timestamp,
        write: (String) async throws -> Void
    ) async throws -> AuditPreamble {
        let head = try await copyHead(origin)
        var last = min(to ?? head, head)
        let stored = origin == holder ? [] : try await ReplicaStore(database: database).signedHeaders(origin: origin, from: from, through: last)
        var headers: [(header: BatchHeader, json: JSONValue, signature: [UInt8])] = []
        for s in stored {
            let json = try JSONParser.parse(s.header)
            headers.append((try BatchHeader.parse(json), json, s.signature))
        }
        if let covering = headers.map(\.header).first(where: { $0.firstSeq <= last && $0.lastSeq > last && $0.lastSeq <= head }) {
            last = covering.lastSeq
        }
        let preamble = AuditPreamble(
            origin: origin, source: holder, fromSeq: from, toSeq: max(last, from - 1), recordCount: max(0, last - from + 1),
            headerCount: Int64(headers.count), exportedAt: now, keys: keys.filter { $0.purpose == .ledger })
        try await write(CanonicalJSON.string(preamble.json))
        for h in headers { try await write(AuditLine.batchText(header: h.json, signature: h.signature)) }
        let emit: (LedgerEntry, String) async throws -> Void = { entry, subject in
            try await write(AuditLine.recordText(Batch.Record(entry: entry, subject: subject)))
        }
        if origin == holder {
            try await LedgerStore(database: database).forEachEntry(region: origin, from: from, through: last, emit)
        } else {
            try await ReplicaStore(database: database).forEachEntry(origin: origin, from: from, through: last, emit)
        }
        return preamble
    }

    /// The last seq this database holds of `origin`'s chain (its ledger head, or its replica head).
    private func copyHead(_ origin: String) async throws -> Int64 {
        if origin == holder { return try await LedgerStore(database: database).recordedHead(region: origin)?.seq ?? 0 }
        return try await ReplicaStore(database: database).heads().first { $0.head.origin == origin }?.head.seq ?? 0
    }
}
