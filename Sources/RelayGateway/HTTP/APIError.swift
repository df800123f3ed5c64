import Hummingbird
import RelayCore

/// An error with its HTTP status and the `{"detail": …}` body of the API contract.
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// A message string, or a list of field errors for 422.
    public var detail: JSONValue
    public var headers: HTTPFields = [:]

    /// Creates an error with a message.
    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.detail = .string(message)
    }

    /// A 422 listing every field problem.
    public static func validation(_ errors: [FieldError]) -> APIError {
        var e = APIError(.unprocessableContent, "")
        e.detail = .array(errors.map(\.jsonValue))
        return e
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try JSONResponse(status, ["detail": detail], headers: headers).response(from: request, context: context)
    }
}
