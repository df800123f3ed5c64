import Foundation
import Hummingbird
import NIOCore
import RelayCore

/// `GET /health` (database + policy engine), `GET /v1/keys` (seal verification keys) and
/// `GET /openapi.json` (the API description kept in the repository).
struct HealthRoutes {
    let services: GatewayServices

    func add(to groups: RouteGroups) {
        groups.open.get("/health", use: health)
        groups.open.get("/v1/keys", use: keys)
        let document = OpenAPIDocument.bytes
        groups.open.get("/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
    }

    @Sendable func health(request: Request, context: RelayRequestContext) async throws -> JSONResponse {
        let database = await services.database.ping()
        let policy = (try? await services.policy.policyVersion()) != nil
        let opa: String = services.policy.name == "opa" ? (policy ? "healthy" : "unhealthy") : "not_used"
        let healthy = database && policy
        let ledger = database ? await LedgerStatus.read(services) : nil
        return JSONResponse(
            healthy ? .ok : .serviceUnavailable,
            [
                "status": .string(healthy ? "healthy" : "unhealthy"),
                "region": .string(services.configuration.region),
                "ledger": ledger?.json(chainer: services.configuration.chainer) ?? .null,
                "components": [
                    "database": .string(database ? "healthy" : "unhealthy"),
                    "opa": .string(opa),
                    "policy_engine": .string(policy ? "healthy" : "unhealthy"),
                ],
            ])
    }

    /// Public keys any verifier needs to check seals offline (every region's, with `RELAY_REGIONS_DIR`).
    @Sendable func keys(request: Request, context: RelayRequestContext) async throws -> JSONResponse {
        JSONResponse(.ok, ["keys": .array(services.configuration.publishedSealKeys(now: services.clock.now()))])
    }
}

/// The OpenAPI 3.1 document bundled with RelayGateway (`Resources/openapi.json`).
public enum OpenAPIDocument {
    /// The document's bytes; empty only if the resource bundle is missing from the install.
    public static let bytes: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
            let data = try? Data(contentsOf: url)
        else { return [] }
        return Array(data)
    }()
}
