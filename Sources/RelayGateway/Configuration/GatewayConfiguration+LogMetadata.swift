import Logging

extension GatewayConfiguration {
    /// The settings worth a line at start-up (never a secret), for the `starting` log line; the
    /// policy engine adds its own (``ConfiguredPolicyEngine/metadata``).
    public var startupMetadata: Logger.Metadata {
        [
            "region": "\(region)", "listen": "\(apiHost):\(apiPort)",
            "database": "\(database)", "seal_key_id": "\(sealKey.keyID)",
            "rate_limit_rps": "\(rateLimitRPS)", "rate_limit_burst": "\(rateLimitBurst)",
            "cors": "\(corsOrigins.map { "\($0)" } ?? "off")", "log_format": "\(logFormat.rawValue)",
            "auth_required": "\(authRequired)",
        ]
    }
}
