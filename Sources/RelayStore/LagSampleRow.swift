/// One row of `lag_samples`: the lag of (origin → `peer`) and what the shipper did since the
/// previous sample.
public struct LagSampleRow: Sendable, Equatable {
    /// Acknowledged batches and records, and failed attempts by reason.
    public struct Shipping: Sendable, Equatable {
        public var batches: Int64 = 0
        public var records: Int64 = 0
        public var refused: [String: Int64] = [:]

        /// Creates counts.
        public init(batches: Int64 = 0, records: Int64 = 0, refused: [String: Int64] = [:]) {
            self.batches = batches
            self.records = records
            self.refused = refused
        }
    }

    public var peer: String
    public var records: Int64
    public var seconds: Double
    public var shipping: Shipping

    /// Creates a row.
    public init(peer: String, records: Int64, seconds: Double, shipping: Shipping = .init()) {
        self.peer = peer
        self.records = records
        self.seconds = seconds
        self.shipping = shipping
    }
}
