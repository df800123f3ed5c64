import AsyncHTTPClient
import Foundation
import NIOCore

extension TestRegions {
    /// Writes what each region's database is doing (sessions, their transactions and locks) and
    /// each daemon's /metrics into the evidence folder: run when a wait for convergence fails.
    func dumpDiagnostics() async {
        for n in nodes {
            let activity = (try? await n.cluster.psql(
                """
                SELECT pid, application_name, state, backend_xid, xact_start, state_change, wait_event_type, wait_event,
                    left(regexp_replace(query, '\\s+', ' ', 'g'), 300)
                FROM pg_stat_activity WHERE datname = '\(n.databaseName)' ORDER BY xact_start NULLS LAST;
                SELECT l.pid, l.locktype, l.relation::regclass, l.mode, l.granted, l.transactionid
                FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE a.datname = '\(n.databaseName)' AND l.locktype <> 'virtualxid' ORDER BY l.granted DESC, l.pid;
                """)) ?? "psql failed"
            try? activity.write(to: evidence.file("db-activity-\(n.id).txt"), atomically: true, encoding: .utf8)
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(n.drPort)/metrics")
            request.method = .GET
            let metrics: String
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(5)),
                let body = try? await response.body.collect(upTo: 8 << 20)
            {
                metrics = String(buffer: body)
            } else {
                metrics = "no answer within 5 s"
            }
            try? metrics.write(to: evidence.file("metrics-\(n.id).txt"), atomically: true, encoding: .utf8)
        }
    }
}
