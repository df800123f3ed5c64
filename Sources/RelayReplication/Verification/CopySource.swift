import RelayCore

/// Where `relay-dr verify` reads the copies of every region: their relay-drs' read-only API
/// (`RegionCopySource`) or their databases (`DatabaseCopySource`, `--via-db`).
public protocol CopySource: Sendable {
    /// Every copy `region` holds (its own ledger and its replicas).
    func copies(at region: String) async throws -> [CopyHead]
    /// `hash_at(seq)` of `origin`'s chain as `region` holds it.
    func hashAt(origin: String, seq: Int64, at region: String) async throws -> CopyHashAt
    /// `region`'s full check of everything it holds (`RegionFullCheck`), run where the data is.
    func fullCheck(at region: String) async throws -> RegionFullCheck.Report
}

/// Why a region's copies could not be read.
public struct CopySourceError: Error, CustomStringConvertible {
    public let region: String
    public let reason: String

    /// Creates an error.
    public init(region: String, reason: String) {
        self.region = region
        self.reason = reason
    }

    public var description: String { "\(region): \(reason)" }
}
