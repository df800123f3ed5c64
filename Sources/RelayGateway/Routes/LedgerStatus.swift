import RelayCore
import RelayStore

/// The chain head and the chaining backlog, as /health and /metrics show them.
struct LedgerStatus: Sendable {
    /// Last chained seq and hash (0 and zeros before anything was chained).
    var head: LedgerHead
    /// Records written and not yet chained.
    var unchained: Int64
    /// Age of the oldest unchained record (0 when none waits).
    var oldestUnchainedAgeSeconds: Double

    /// Reads it from the database; nil when the database does not answer within 2 s.
    static func read(_ services: GatewayServices) async -> LedgerStatus? {
        let region = services.configuration.region
        let head: LedgerHead?
        let backlog: (count: Int64, oldest: Timestamp?)
        do {
            let ledger = services.ledger
            (backlog, head) = try await services.database.bounded {
                (try await ledger.backlog(region: region), try await ledger.recordedHead(region: region))
            }
        } catch {
            return nil
        }
        let age = backlog.oldest.map { Double(services.clock.now().microseconds - $0.microseconds) / 1e6 } ?? 0
        return LedgerStatus(head: head ?? .empty(), unchained: backlog.count, oldestUnchainedAgeSeconds: max(0, age))
    }

    /// The `ledger` member of /health.
    func json(chainer: ChainerMode) -> JSONValue {
        [
            "head_seq": .number(Double(head.seq)), "head_hash": .string(Hex.encode(head.hash)),
            "epoch": .number(Double(head.epoch)), "unchained": .number(Double(unchained)),
            "oldest_unchained_age_seconds": .number((oldestUnchainedAgeSeconds * 1000).rounded() / 1000),
            "chainer": .string(chainer.rawValue),
        ]
    }
}
