import Foundation
import Hummingbird
import Logging
import NIOCore

/// One log line per request: method, route template, path (no query string: it may carry ids),
/// status, duration, client IP; the request id comes from the logger's metadata. Headers are
/// never logged: tokens travel in `Authorization`.
public struct RequestLogMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    /// Creates the middleware.
    public init() {}

    /// Serves the request and logs its line (also when an error escapes).
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await observingOutcome(request, context, next: next) { status, elapsed in
            log(request, context, status: status, elapsed: elapsed)
        }
    }

    private func log(_ request: Request, _ context: Context, status: Int, elapsed: Duration) {
        let ms = elapsed / .milliseconds(1)
        context.logger.info(
            "request",
            metadata: [
                "method": "\(request.method)", "route": "\(context.routeLabel)",
                "path": "\(request.uri.path)", "status": "\(status)",
                "duration_ms": "\(String(format: "%.2f", ms))",
                "client_ip": "\(context.remoteAddress?.ipAddress ?? "unknown")",
            ])
    }
}
