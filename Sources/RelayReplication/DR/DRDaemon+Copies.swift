import Hummingbird
import RelayCore
import RelayStore

/// The read-only copies API used by `relay-dr verify` (docs/verification.md): what this region
/// holds of every origin's chain, and `hash_at(seq)` of each. Served on the replication port,
/// with its TLS/mTLS; it changes nothing.
extension DRDaemon {
    /// `GET /v1/copies`: per origin, the head seq and hash this region holds (its own ledger for
    /// itself, its replicas for the peers), how many entries it holds and the head it recorded.
    /// `?origin=X` restricts it to X's copy.
    func copies(origin: String?) async throws -> JSONValue {
        let heads = try await CopyStore(database: database).heads(region: configuration.region, origin: origin)
        return ["region": .string(configuration.region), "copies": .array(heads.map(\.json))]
    }

    /// `GET /v1/copies/{origin}/hash?seq=N`: 200 with the hash held at N, 404 (with how many of
    /// seqs 1…N are held) when there is none, 400 for a bad seq or an unknown origin.
    func copyHash(origin: String, seq text: String?) async -> Response {
        guard configuration.regions.region(origin) != nil else {
            return Self.json(400, ["detail": .string("unknown origin '\(origin)' (regions: \(configuration.regions.ids.joined(separator: ", ")))")])
        }
        guard let text, let seq = Int64(text), seq >= 1 else {
            return Self.json(400, ["detail": .string("seq must be an integer ≥ 1 (got '\(text ?? "")')")])
        }
        let region = configuration.region
        let store = CopyStore(database: database)
        do {
            let answer = try await database.bounded(.seconds(5)) { try await store.hashAt(origin: origin, seq: seq, region: region) }
            guard case .object(var body) = answer.json else { return Self.json(500, ["detail": "unexpected answer"]) }
            body["origin"] = .string(origin)
            body["region"] = .string(region)
            if answer.hash == nil { body["detail"] = .string("\(region) holds no entry \(seq) of \(origin)") }
            return Self.json(answer.hash == nil ? 404 : 200, .object(body))
        } catch {
            return Self.json(503, ["detail": .string("hash_at unavailable: \(error)"), "region": .string(region)])
        }
    }

    /// `GET /v1/copies/check`: this region's full check (`relay-dr verify --full`), one at a time
    /// (429 while one runs: it reads every entry and row held here).
    func fullCheck() async -> Response {
        guard fullCheckRunning.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            return Self.json(429, ["detail": "a full check is already running on this relay-dr; retry when it has finished"])
        }
        defer { fullCheckRunning.store(false, ordering: .releasing) }
        let check = RegionFullCheck(region: configuration.region, database: database, regions: configuration.regions)
        return await read("full check", within: .seconds(3600)) { try await check.run().json }
    }
}
