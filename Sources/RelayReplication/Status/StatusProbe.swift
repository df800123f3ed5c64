import AsyncHTTPClient
import NIOCore
import NIOSSL
import RelayCore

/// Asks every region's relay-dr for `GET /v1/status`, concurrently, with a short timeout.
public struct StatusProbe: Sendable {
    /// The regions to ask (their `dr_url`).
    public let regions: RegionSet
    /// Longest wait for one region (connect + answer).
    public let timeout: Duration
    /// TLS towards https `dr_url`s (trust roots, client certificate); nil: the system's roots.
    public let tls: TLSConfiguration?

    /// Creates a probe.
    public init(regions: RegionSet, timeout: Duration = .seconds(3), tls: TLSConfiguration? = nil) {
        self.regions = regions
        self.timeout = timeout
        self.tls = tls
    }

    /// Probes every region and combines the answers.
    public func run() async -> ClusterStatus {
        var config = HTTPClient.Configuration()
        let seconds = max(1, Int64(timeout.components.seconds))
        config.timeout = .init(connect: .seconds(seconds), read: .seconds(seconds))
        if let tls { config.tlsConfiguration = tls }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        let probes = await withTaskGroup(of: (Int, RegionProbe).self) { group in
            for (index, region) in regions.regions.enumerated() {
                group.addTask { (index, await probe(region, client: client)) }
            }
            var out: [(Int, RegionProbe)] = []
            for await p in group { out.append(p) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
        try? await client.shutdown()
        return ClusterStatus(regions: probes)
    }

    private func probe(_ region: Region, client: HTTPClient) async -> RegionProbe {
        let url = region.drURL.joined(path: "/v1/status")
        do {
            let response = try await client.execute(HTTPClientRequest(url: url), timeout: .milliseconds(timeout.milliseconds))
            let bytes = try await response.body.collect(upTo: 4 << 20)
            guard response.status == .ok else {
                return RegionProbe(region: region.id, url: url, error: "HTTP \(response.status.code)", status: nil)
            }
            let json = try JSONParser.parse(Array(buffer: bytes))
            return RegionProbe(region: region.id, url: url, error: nil, status: json)
        } catch {
            return RegionProbe(region: region.id, url: url, error: Self.describe(error), status: nil)
        }
    }

    /// A one-line reason (AsyncHTTPClient errors print long type names).
    public static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("connectTimeout") || text.contains("deadlineExceeded") || text.contains("readTimeout") { return "timeout" }
        if text.contains("connectionRefused") || text.contains("Connection refused") || text.contains("ECONNREFUSED") { return "connection refused" }
        return text.count > 120 ? String(text.prefix(120)) + "…" : text
    }
}
