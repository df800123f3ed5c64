import ArgumentParser
import Foundation
import RelayCore
import RelayReplication

/// `relay-dr history`: every fence, takeover, pause… as the ledgers recorded them.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show every region-control change (fence, unfence, takeover, failback, pause, resume), oldest first.",
        discussion: """
            Asks one region's relay-dr (GET /v1/history: the entries of its own ledger and of its \
            copies of the others; --from-region picks it, default: the first that answers). Each \
            line: time, event, action, region, successor and mode, epoch, operator, reason, and the \
            ledger and seq that hold it. Exit 0, or 1 when no region answered.
            """)

    @OptionGroup var coordinator: CoordinatorOptions

    @Option(help: "The region whose view to show. Default: the first region that answers.")
    var fromRegion: String?

    func run() async throws {
        let (regions, client, http) = try coordinator.connect()
        var answer: RegionClient.Answer?
        for id in fromRegion.map({ [$0] }) ?? regions.ids {
            if let a = try? await client.dr(id, "/v1/history"), a.ok {
                answer = a
                break
            }
        }
        try? await http.shutdown()
        guard let answer else {
            FileHandle.standardError.write(Data("relay-dr: no relay-dr answered GET /v1/history\n".utf8))
            throw ExitCode(1)
        }
        if coordinator.json {
            print(CanonicalJSON.string(answer.body))
            return
        }
        print("view of \(answer.body["answered_by"]?.stringValue ?? "?")")
        for e in answer.body["entries"]?.arrayValue ?? [] {
            func s(_ key: String) -> String { e[key]?.stringValue ?? (e[key]?.numberValue.map { String(Int64($0)) } ?? "-") }
            let target = e["successor"] == nil ? "" : " by \(s("successor")) (\(s("mode")))"
            print("\(s("at"))  \(s("action")) \(s("region"))\(target)  epoch \(s("epoch"))  \(s("operator")): \(s("reason"))  [event \(s("event_id")), \(s("ledger")) seq \(s("seq"))]")
            for line in Self.details(e) { print("    " + line) }
        }
    }

    /// What a takeover accepted, what a failback found stranded, what an event's report measured.
    static func details(_ e: JSONValue) -> [String] {
        func n(_ v: JSONValue?) -> String { v?.numberValue.map { $0.rounded() == $0 ? String(Int64($0)) : String($0) } ?? "-" }
        var lines: [String] = []
        if let seq = e["takeover_seq"] { lines.append("takeover at seq \(n(seq)) of \(e["region"]?.stringValue ?? "?")'s ledger") }
        if let loss = e["accepted_loss"] {
            lines.append("accepted loss: \(n(loss["records"])) record(s), \(n(loss["seconds"])) s (last known seq \(n(loss["last_known_seq"])))")
        }
        if let s = e["stranded"] {
            lines.append("stranded: seqs \(n(s["from_seq"]))…\(n(s["through_seq"])) (\(n(s["records"])) client record(s)), kept in the region's ledger")
        }
        if let r = e["report"] {
            lines.append(
                "\(r["kind"]?.stringValue ?? "event") \(r["from"]?.stringValue ?? "?") → \(r["to"]?.stringValue ?? "?"): \(r["outcome"]?.stringValue ?? "?"), "
                    + "RTO \(n(r["rto_ms"])) ms, RPO \(n(r["rpo_records"])) record(s)")
            for c in r["prechecks"]?.arrayValue ?? [] where c["ok"] == false {
                lines.append("pre-check failed: \(c["name"]?.stringValue ?? "?"): \(c["detail"]?.stringValue ?? "")")
            }
        }
        return lines
    }
}
