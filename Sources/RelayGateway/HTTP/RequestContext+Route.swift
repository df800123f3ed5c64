import Hummingbird

extension RequestContext {
    /// The matched route template (`/v1/seal/verify`), or `unmatched`: never the raw path, which
    /// would make one metric series or log value per URL. Hummingbird records a miss as
    /// `NotFound` (and nothing when a middleware answered first); both read as `unmatched`.
    public var routeLabel: String {
        guard let path = endpointPath, path.hasPrefix("/") else { return GatewayMetrics.unmatchedRoute }
        return path
    }
}
