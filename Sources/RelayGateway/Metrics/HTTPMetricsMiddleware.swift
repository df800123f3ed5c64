import Hummingbird

/// Records `relay_http_requests_total` and `relay_http_request_duration_seconds` for every
/// request, labelled with the matched route template (never the raw path) or `unmatched`.
public struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Where the series live.
    public let metrics: GatewayMetrics

    /// Creates the middleware.
    public init(metrics: GatewayMetrics) {
        self.metrics = metrics
    }

    /// Serves the request and records its count and latency.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await observingOutcome(request, context, next: next) { status, elapsed in
            metrics.recordRequest(route: context.routeLabel, method: request.method.rawValue, status: status, duration: elapsed)
        }
    }
}
