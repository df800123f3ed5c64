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
        }
    }
}
