import Hummingbird
import RelayCore

/// `GET /health` (database + policy engine) and `GET /v1/keys` (seal verification keys).
struct HealthRoutes {
    let services: GatewayServices

    func add(to groups: RouteGroups) {
        groups.open.get("/health", use: health)
        groups.open.get("/v1/keys", use: keys)
    }

    @Sendable func health(request: Request, context: RelayRequestContext) async throws -> JSONResponse {
        let database = await services.database.ping()
        let policy = (try? await services.policy.policyVersion()) != nil
        let opa: String = services.policy.name == "opa" ? (policy ? "healthy" : "unhealthy") : "not_used"
        let healthy = database && policy
        return JSONResponse(
            healthy ? .ok : .serviceUnavailable,
            [
                "status": .string(healthy ? "healthy" : "unhealthy"),
                "region": .string(services.configuration.region),
                "components": [
                    "database": .string(database ? "healthy" : "unhealthy"),
                    "opa": .string(opa),
                    "policy_engine": .string(policy ? "healthy" : "unhealthy"),
                ],
            ])
    }

    /// Public keys any verifier needs to check this region's seals offline.
    @Sendable func keys(request: Request, context: RelayRequestContext) async throws -> JSONResponse {
        let key = services.configuration.sealKey
        return JSONResponse(
            .ok,
            [
                "keys": [
                    [
                        "region": .string(services.configuration.region), "purpose": "seal", "algorithm": "Ed25519",
                        "key_id": .string(key.keyID), "public_key": .string(Base64.encode(key.publicKey)),
                        "status": "current", "valid_from": .null, "valid_until": .null,
                    ]
                ]
            ])
    }
}
