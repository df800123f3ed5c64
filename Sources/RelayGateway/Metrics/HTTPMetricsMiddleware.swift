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
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: Int(response.status.code), since: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            record(request, context, status: Int(status.code), since: start)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, since start: ContinuousClock.Instant) {
        metrics.recordRequest(
            route: context.routeLabel, method: request.method.rawValue,
            status: status, duration: ContinuousClock.now - start)
    }
}
