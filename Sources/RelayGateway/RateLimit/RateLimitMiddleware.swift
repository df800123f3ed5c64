import Hummingbird

/// Token-bucket rate limiting of `/v1/*` per agent (or per client IP when unauthenticated).
/// Over the limit: 429 `{"detail": "Rate limit exceeded"}` with `Retry-After` in whole seconds.
/// Must run after the auth middleware, which sets `context.principal`.
public struct RateLimitMiddleware: RouterMiddleware {
    /// Needs the gateway's context: it reads `principal` and the client address.
    public typealias Context = RelayRequestContext

    /// The shared limiter.
    public let limiter: RateLimiter

    /// Creates the middleware.
    public init(limiter: RateLimiter) {
        self.limiter = limiter
    }

    /// True for the paths this middleware limits (`/health` and `/metrics` stay unlimited).
    public static func applies(to path: String) -> Bool {
        path.hasPrefix("/v1/")
    }

    /// Refuses the request with 429 when its caller's bucket is empty.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.applies(to: request.uri.path) else { return try await next(request, context) }
        let key = RateLimitKey.key(principal: context.principal, clientIP: context.clientIP)
        let decision = limiter.take(key: key)
        if let seconds = decision.retryAfterSeconds {
            var error = APIError(.tooManyRequests, "Rate limit exceeded")
            error.headers[.retryAfter] = String(seconds)
            throw error
        }
        return try await next(request, context)
    }
}
