import Hummingbird
import Logging
import NIOCore
import PostgresNIO
import RelayCore
import RelayStore

/// Renders every error as `{"detail": …}` JSON with the right status, and logs unexpected ones
/// once with the request id (the response never carries internals).
public struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Creates the middleware.
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError {
            return try APIError(error.status, error.body ?? error.status.reasonPhrase).response(from: request, context: context)
        } catch let error as DatabaseError where error.isUnavailable {
            // No server answer: the database is unreachable or the connection broke.
            context.logger.error("database unavailable", metadata: ["error": "\(error)"])
            return try APIError(.serviceUnavailable, "Database unavailable").response(from: request, context: context)
        } catch let error as PSQLError where error.serverInfo == nil {
            context.logger.error("database unavailable", metadata: ["error": "\(DatabaseError.logText(error))"])
            return try APIError(.serviceUnavailable, "Database unavailable").response(from: request, context: context)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(DatabaseError.logText(error))"])
            return try APIError(.internalServerError, "Internal server error").response(from: request, context: context)
        }
    }
}
