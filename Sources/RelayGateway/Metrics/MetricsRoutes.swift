import Hummingbird
import NIOCore

/// `GET /metrics`: the Prometheus text exposition of this gateway instance.
struct MetricsRoutes {
    let services: GatewayServices

    /// The exposition format's content type.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    func add(to groups: RouteGroups) {
        groups.open.get("/metrics", use: metrics)
    }

    @Sendable func metrics(request: Request, context: RelayRequestContext) async throws -> Response {
        if let ledger = await LedgerStatus.read(services) { services.metrics.record(ledger) }
        let text = services.metrics.exposition(dbConnectionsInUse: services.database.operationsInFlight)
        return Response(
            status: .ok, headers: [.contentType: Self.contentType],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
