import RelayCore

/// Replication of one origin to one peer, as the origin measures it and the peer holds it.
public struct PairStatus: Sendable, Equatable {
    /// The region whose ledger is shipped.
    public let origin: String
    /// The region receiving it.
    public let peer: String
    /// Origin head − acknowledged seq (nil when the origin did not answer).
    public let lagRecords: Int64?
    /// Age of the oldest unacknowledged record, on the origin's clock (0 when caught up).
    public let lagSeconds: Double?
    /// Last seq the peer acknowledged.
    public let ackedSeq: Int64?
    /// The seq of the origin's chain the peer holds (from the peer's own status).
    public let replicaSeq: Int64?
    /// True when the peer quarantined the origin (divergence).
    public let quarantined: Bool
    /// Why the peer quarantined the origin.
    public let quarantineReason: String?
    /// The origin shipper's last error towards the peer.
    public let lastError: String?

    /// Builds the pair from the origin's and the peer's probes.
    public init(origin: RegionProbe, peer: RegionProbe) {
        self.origin = origin.region
        self.peer = peer.region
        let shipping = origin.peer(peer.region)
        lagRecords = shipping?["lag_records"]?.numberValue.map { Int64($0) }
        lagSeconds = shipping?["lag_seconds"]?.numberValue
        ackedSeq = shipping?["acked_seq"]?.numberValue.map { Int64($0) }
        lastError = shipping?["last_error"]?.stringValue
        let replica = peer.replica(of: origin.region)
        replicaSeq = replica?["seq"]?.numberValue.map { Int64($0) }
        quarantined = replica?["quarantined"]?.boolValue ?? false
        quarantineReason = replica?["quarantine_reason"]?.stringValue
    }

    /// The pair as JSON (`status --json`).
    public var json: JSONValue {
        [
            "origin": .string(origin), "peer": .string(peer),
            "lag_records": lagRecords.map { .number(Double($0)) } ?? .null,
            "lag_seconds": lagSeconds.map { .number($0) } ?? .null,
            "acked_seq": ackedSeq.map { .number(Double($0)) } ?? .null,
            "replica_seq": replicaSeq.map { .number(Double($0)) } ?? .null,
            "quarantined": .bool(quarantined),
            "quarantine_reason": quarantineReason.map { .string($0) } ?? .null,
            "last_error": lastError.map { .string($0) } ?? .null,
        ]
    }
}
