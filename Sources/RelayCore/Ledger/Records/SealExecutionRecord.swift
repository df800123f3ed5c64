/// A seal's one-time execution (`LedgerRecord.sealExecuted`): it sets the execution columns of
/// the seal row `sealID` names.
public struct SealExecutionRecord: Sendable, Equatable {
    public var sealID: String
    public var executedAt: Timestamp

    /// Creates a record.
    public init(sealID: String, executedAt: Timestamp) {
        self.sealID = sealID
        self.executedAt = executedAt
    }
}

extension SealExecutionRecord {
    /// A `seal_executed` body: the seal's key, then the `seals` columns it sets.
    public static let schema = RecordSchema<SealExecutionRecord>(
        blank: SealExecutionRecord(sealID: "", executedAt: .init(microseconds: 0)),
        fields: [
            .init("seal_id", \.sealID, .text),
            .init("executed_at", \.executedAt, .timestamp),
        ])
}
