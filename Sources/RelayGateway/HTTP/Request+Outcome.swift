import Hummingbird

/// Runs `next` and reports the status the client gets — the response's, or the escaping error's
/// (500 when the error carries none) — with the elapsed time, then returns or rethrows as `next` did.
/// Shared by the request log and the HTTP metrics, so both see the same status for every request.
func observingOutcome<Context: RequestContext>(
    _ request: Request, _ context: Context, next: (Request, Context) async throws -> Response,
    observe: (_ status: Int, _ elapsed: Duration) -> Void
) async throws -> Response {
    let start = ContinuousClock.now
    do {
        let response = try await next(request, context)
        observe(Int(response.status.code), ContinuousClock.now - start)
        return response
    } catch {
        let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
        observe(Int(status.code), ContinuousClock.now - start)
        throw error
    }
}
