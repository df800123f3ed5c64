import JWTKit

/// The claims of a Relay access token (README.md, "Authentication"): `agent_id, org_id, iat, exp`.
struct RelayClaims: JWTPayload, Equatable {
    var agentID: String
    var orgID: String
    /// Seconds since the epoch.
    var iat: Int64
    /// Seconds since the epoch.
    var exp: Int64

    enum CodingKeys: String, CodingKey {
        case agentID = "agent_id"
        case orgID = "org_id"
        case iat, exp
    }

    /// Expiry is checked by `TokenService` against the gateway's clock (with leeway), not here.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
