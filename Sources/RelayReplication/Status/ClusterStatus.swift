import Foundation
import RelayCore

/// Every region's status and every (origin → peer) pair: what `relay-dr status` prints.
public struct ClusterStatus: Sendable {
    /// One probe per region, in region-set order.
    public let regions: [RegionProbe]
    /// Every ordered pair of distinct regions.
    public let pairs: [PairStatus]

    /// Combines the probes into pairs.
    public init(regions: [RegionProbe]) {
        self.regions = regions
        var pairs: [PairStatus] = []
        for origin in regions {
            for peer in regions where peer.region != origin.region {
                pairs.append(PairStatus(origin: origin, peer: peer))
            }
        }
        self.pairs = pairs
    }

    /// True when every daemon answered and no peer quarantined any origin.
    public var healthy: Bool {
        regions.allSatisfy(\.reachable) && !pairs.contains(where: \.quarantined)
    }

    /// The process exit code: 0 healthy, 1 otherwise.
    public var exitCode: Int32 { healthy ? 0 : 1 }

    /// The combined JSON document (`relay-dr status --json`).
    public var json: JSONValue {
        [
            "healthy": .bool(healthy),
            "regions": .array(regions.map { r in
                [
                    "region": .string(r.region), "url": .string(r.url), "reachable": .bool(r.reachable),
                    "error": r.error.map { .string($0) } ?? .null, "status": r.status ?? .null,
                ]
            }),
            "pairs": .array(pairs.map(\.json)),
        ]
    }

    /// The human-readable tables.
    public var table: String {
        var lines = ["REGION               HEAD SEQ  UNCHAINED  HEALTH"]
        for r in regions {
            let health = r.error.map { "UNREACHABLE: \($0)" } ?? "ok"
            lines.append(
                Self.pad(r.region, 18) + Self.lpad(r.headSeq.map(String.init) ?? "-", 11)
                    + Self.lpad(r.unchained.map(String.init) ?? "-", 11) + "  " + health)
        }
        lines.append("")
        lines.append("ORIGIN → PEER                          LAG RECS   LAG SECS  STATE")
        for p in pairs {
            let state: String
            if p.quarantined {
                state = "QUARANTINED: \(p.quarantineReason ?? "no reason given")"
            } else if p.lagRecords == nil {
                state = "unknown (origin unreachable)"
            } else if let e = p.lastError {
                state = "error: \(e)"
            } else {
                state = "ok"
            }
            lines.append(
                Self.pad("\(p.origin) → \(p.peer)", 36) + Self.lpad(p.lagRecords.map(String.init) ?? "-", 11)
                    + Self.lpad(p.lagSeconds.map { String(format: "%.3f", $0) } ?? "-", 11) + "  " + state)
        }
        return lines.joined(separator: "\n")
    }

    private static func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count)
    }

    private static func lpad(_ s: String, _ n: Int) -> String {
        s.count >= n ? " " + s : String(repeating: " ", count: n - s.count) + s
    }
}
