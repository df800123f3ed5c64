import Foundation
import JWTKit
import RelayCore

/// Why a token was refused. The message goes into auth events and 401 bodies; it never
/// contains the token.
public struct TokenError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}

/// Issues and verifies HS256 access tokens.
public struct TokenService: Sendable {
    /// Clock skew tolerated on `exp` and `iat`.
    public static let leewaySeconds: Int64 = 10
    /// Shortest accepted secret: HMAC-SHA256 keys below the hash size are weak (and trip an
    /// assertion in jwt-kit's debug builds).
    public static let minimumSecretBytes = 32

    private let keys: JWTKeyCollection
    let expirySeconds: Int64
    let clock: RelayClock

    /// Creates the service. `secret` must be at least 32 bytes (checked at configuration time).
    public init(secret: String, expiryHours: Int, clock: RelayClock) async {
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        expirySeconds = Int64(expiryHours) * 3600
        self.clock = clock
    }

    /// A token for `agentID` in `orgID`, valid from now for the configured hours.
    public func issue(agentID: String, orgID: String) async throws -> String {
        let now = clock.now().microseconds / 1_000_000
        return try await keys.sign(RelayClaims(agentID: agentID, orgID: orgID, iat: now, exp: now + expirySeconds))
    }

    /// Seconds a new token lives (`expires_in`).
    public var expiresIn: Int64 { expirySeconds }

    /// Verifies signature, algorithm, claims and expiry; returns the identity or why not.
    /// (A `Result` rather than typed throws: the latter crashes the 6.3 compiler at the call site.)
    public func verify(_ token: String) async -> Result<Principal, TokenError> {
        do {
            return .success(try await checked(token))
        } catch let error as TokenError {
            return .failure(error)
        } catch {
            return .failure(TokenError(reason: "invalid token"))
        }
    }

    private func checked(_ token: String) async throws -> Principal {
        // Refuse anything but HS256 before the library sees it: `alg: none` and algorithm
        // confusion are the classic JWT attacks.
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw TokenError(reason: "malformed token") }
        guard let header = Base64URL.decode(String(parts[0])), let json = try? JSONParser.parse(header) else {
            throw TokenError(reason: "malformed token header")
        }
        guard json["alg"] == "HS256" else {
            throw TokenError(reason: "unsupported token algorithm \(json["alg"]?.stringValue ?? "(none)")")
        }
        // Shape first (a well-formed claim set is required whatever the signature), then the signature.
        guard let payload = Base64URL.decode(String(parts[1])), let object = (try? JSONParser.parse(payload))?.objectValue,
            object["agent_id"]?.stringValue != nil, object["org_id"]?.stringValue != nil,
            object["iat"]?.numberValue != nil, object["exp"]?.numberValue != nil
        else { throw TokenError(reason: "token claims missing or malformed") }
        let claims: RelayClaims
        do {
            claims = try await keys.verify(token, as: RelayClaims.self)
        } catch {
            throw TokenError(reason: "invalid token signature")
        }
        let now = clock.now().microseconds / 1_000_000
        guard claims.exp + Self.leewaySeconds > now else { throw TokenError(reason: "token expired") }
        guard claims.iat - Self.leewaySeconds <= now else { throw TokenError(reason: "token issued in the future") }
        guard !claims.agentID.isEmpty, !claims.orgID.isEmpty else { throw TokenError(reason: "token claims missing or malformed") }
        return Principal(agentID: claims.agentID, orgID: claims.orgID)
    }
}

/// Base64url without padding (JWT segments).
enum Base64URL {
    static func decode(_ text: String) -> [UInt8]? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Base64.decode(s)
    }
}
