import RelayCore

extension ChainStore {
    /// One chaining step for `region`: under the leader lock, link up to `limit` committed records
    /// after the cursor (the pure `LedgerHead.link` decides seqs and hashes) and move the cursor.
    /// Two chainers are safe: the lock admits one, and the head row lock plus the (region, seq)
    /// key reject a stale one.
    public func step(region: String, limit: Int = 1000) async throws -> ChainStepOutcome {
        try await leading(region: region) { tx -> ChainStepOutcome in
            let (head, cursor) = try await tx.lockedHead()
            let (records, last) = try await tx.committed(after: cursor, limit: limit)
            guard !records.isEmpty else { return .idle(head: head) }
            let entries = head.link(records, region: region)
            try await tx.append(entries, linking: records, cursor: last)
            return .chained(count: entries.count, head: LedgerHead(after: entries[entries.count - 1]))
        } ?? .notLeader
    }

}
