import Hummingbird
import NIOCore

/// CORS for the configured origins, on top of Hummingbird's `CORSMiddleware` (whose allow-list
/// is variadic and so cannot take a list read at start-up). An allowed origin is handed to it; a
/// preflight from any other origin gets 403 without CORS headers; other requests from other
/// origins pass through without CORS headers (the browser then withholds the response).
public struct CORSOriginMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The allowed origins.
    public let origins: CORSOrigins
    /// Response headers a browser script may read.
    public static var exposedHeaders: [String] { ["X-Request-ID", "Retry-After"] }
    private let cors: CORSMiddleware<Context>

    /// Creates the middleware for `origins`.
    public init(origins: CORSOrigins) {
        self.origins = origins
        self.cors = CORSMiddleware(
            allowOrigin: origins == .any ? .all : .originBased,
            allowHeaders: [.accept, .authorization, .contentType, .origin, .requestID],
            allowMethods: [.get, .post, .head, .options],
            allowCredentials: false,
            exposedHeaders: Self.exposedHeaders,
            maxAge: .seconds(600))
    }

    /// Applies CORS for allowed origins; refuses preflights from others.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        if origins.allows(origin) {
            var response = try await cors.handle(request, context: context, next: next)
            // Browsers read the exposed-headers list from the actual response, not the preflight.
            if request.method != .options { response.headers[.accessControlExposeHeaders] = Self.exposedHeaders.joined(separator: ", ") }
            return response
        }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            return try APIError(.forbidden, "CORS origin not allowed").response(from: request, context: context)
        }
        return try await next(request, context)
    }
}
