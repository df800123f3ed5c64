import RelayCore

/// The copies as the regions' relay-drs serve them (`GET /v1/copies`,
/// `GET /v1/copies/{origin}/hash?seq=N`), over the same TLS/mTLS as the replication port.
public struct RegionCopySource: CopySource {
    let client: RegionClient
    /// Only this origin's copies are asked for (nil: every origin's).
    let origin: String?

    /// A source asking the regions of `client` (for `origin`'s copies only, when given).
    public init(client: RegionClient, origin: String? = nil) {
        self.client = client
        self.origin = origin
    }

    public func copies(at region: String) async throws -> [CopyHead] {
        let answer = try await client.dr(region, "/v1/copies" + (origin.map { "?origin=\($0)" } ?? ""))
        guard answer.ok else { throw CopySourceError(region: region, reason: "GET /v1/copies: \(answer.detail)") }
        guard let items = answer.body["copies"]?.arrayValue else {
            throw CopySourceError(region: region, reason: "GET /v1/copies: no copies list in the answer")
        }
        return try items.map { item in
            guard let head = CopyHead(json: item) else { throw CopySourceError(region: region, reason: "GET /v1/copies: malformed copy \(item)") }
            return head
        }
    }

    public func hashAt(origin: String, seq: Int64, at region: String) async throws -> CopyHashAt {
        let path = "/v1/copies/\(origin)/hash?seq=\(seq)"
        let answer = try await client.dr(region, path)
        // 404: nothing held at that seq, and the answer still says how much is held below it.
        guard answer.ok || answer.status == 404, let hashAt = CopyHashAt(json: answer.body) else {
            throw CopySourceError(region: region, reason: "GET \(path): \(answer.detail)")
        }
        return hashAt
    }

    public func fullCheck(at region: String) async throws -> RegionFullCheck.Report {
        // A full check reads every entry and row of the region: allow it the time that takes.
        let answer = try await client.bounded(by: .seconds(3600)).dr(region, "/v1/copies/check")
        guard answer.ok, let report = RegionFullCheck.Report(json: answer.body) else {
            throw CopySourceError(region: region, reason: "GET /v1/copies/check: \(answer.detail)")
        }
        return report
    }
}
