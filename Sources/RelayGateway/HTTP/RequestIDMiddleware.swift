import Hummingbird
import Logging
import RelayStore

/// Gives every request an id (the client's valid `X-Request-ID`, or a new one), puts it in the
/// request logger's metadata as `request_id` so every log line of the request carries it, and
/// echoes it in the `X-Request-ID` response header, errors included. Runs first in the chain.
public struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The logger metadata key holding the id.
    public static var metadataKey: String { "request_id" }

    /// Creates the middleware.
    public init() {}

    /// Resolves the id, serves the request with it in the logger, and echoes it.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = RequestID.resolve(request.headers[.requestID])
        var context = context
        context.logger[metadataKey: Self.metadataKey] = .string(id)
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(DatabaseError.logText(error))"])
            response = try APIError(.internalServerError, "Internal server error").response(from: request, context: context)
        }
        response.headers[.requestID] = id
        return response
    }
}
