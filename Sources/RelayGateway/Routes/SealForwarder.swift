import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RelayCore

/// Sends `mark-executed` for a seal of another region to that region's gateway (a seal executes
/// only in its home region: docs/replication.md, docs/seal-format.md). When the home region
/// cannot be reached the answer is 409 naming it: the seal is never executed here.
struct SealForwarder: Sendable {
    /// Set on forwarded requests; a request that carries it is never forwarded again (no loops).
    static let header = HTTPField.Name("X-Relay-Forwarded-From")!

    let services: GatewayServices

    func forward(sealID: String, home: String, request: Request, context: RelayRequestContext) async throws -> JSONResponse {
        let here = services.configuration.region
        func unreachable(_ why: String) -> JSONResponse {
            context.logger.warning(
                "cannot forward seal execution to its home region", metadata: ["seal_id": "\(sealID)", "home_region": "\(home)", "error": "\(why)"])
            return JSONResponse(
                .conflict,
                [
                    "detail": .string(
                        "Seal \(sealID) belongs to region \(home) and executes only there; \(home) could not be reached (\(why)). Nothing was executed; retry later or re-validate."),
                    "home_region": .string(home),
                ])
        }
        guard request.headers[Self.header] == nil else {
            return unreachable("the request was already forwarded once from \(request.headers[Self.header] ?? "?")")
        }
        guard let region = services.configuration.regions?.region(home) else {
            return unreachable("region \(home) is not in RELAY_REGIONS_DIR")
        }
        var out = HTTPClientRequest(url: region.gatewayURL.joined(path: "/v1/seal/mark-executed?seal_id=" + sealID))
        out.method = .POST
        out.headers.add(name: Self.header.canonicalName, value: here)
        if let auth = request.headers[.authorization] { out.headers.add(name: "Authorization", value: auth) }
        if let id = request.headers[.requestID] { out.headers.add(name: HTTPField.Name.requestID.canonicalName, value: id) }
        do {
            let response = try await HTTPClient.shared.execute(out, timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 1 << 20)
            guard response.status.code < 500 else { return unreachable("it answered \(response.status.code)") }
            let json = (try? JSONParser.parse(Array(buffer: body))) ?? ["detail": .string("unreadable answer from \(home)")]
            context.logger.info(
                "seal execution forwarded to its home region",
                metadata: ["seal_id": "\(sealID)", "home_region": "\(home)", "status": "\(response.status.code)"])
            if response.status.code == 200 { services.metrics.recordSealExecuted() }
            return JSONResponse(HTTPResponse.Status(code: Int(response.status.code)), json)
        } catch {
            return unreachable("\(error)")
        }
    }
}
