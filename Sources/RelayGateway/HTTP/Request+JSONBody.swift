import Hummingbird
import NIOCore
import RelayCore

extension Request {
    /// Reads the whole body (413 beyond `limit` bytes) and parses it as JSON (422 with the byte
    /// offset and reason when malformed). Nothing has been written when either fails.
    func jsonBody(limit: Int) async throws -> JSONValue {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "Request body exceeds the \(limit)-byte limit")
        }
        do {
            return try JSONParser.parse(buffer.readableBytesView)
        } catch {
            throw APIError.validation([
                FieldError(loc: ["body"], msg: "Malformed JSON: \(error)", type: "value_error.jsondecode")
            ])
        }
    }
}
