import Foundation
import NIOSSL
import PostgresNIO
import RelayCore

extension DatabaseConfiguration {
    /// `RELAY_DB_HOST`, `RELAY_DB_PORT`, `RELAY_DB_NAME`, `RELAY_DB_USER`, `RELAY_DB_PASSWORD`,
    /// `RELAY_DB_POOL_SIZE`, `RELAY_DB_TLS`, `RELAY_DB_TLS_CA` (shared by relay-gateway and relay-dr).
    /// The CA bundle is read and parsed now, so a bad one stops start-up naming the setting.
    public static func fromEnvironment(_ env: EnvironmentReader) throws(ConfigurationError) -> DatabaseConfiguration {
        let tls = try env.choice("RELAY_DB_TLS", default: DatabaseTLS.disable)
        let caFile = env.optional("RELAY_DB_TLS_CA")
        if let caFile {
            guard tls == .verifyFull else {
                throw ConfigurationError(
                    setting: "RELAY_DB_TLS_CA",
                    reason: "a CA bundle is only used to check the server's certificate: set RELAY_DB_TLS=verify-full (it is \(tls.rawValue))")
            }
            try checkCABundle(caFile)
        }
        return DatabaseConfiguration(
            host: try env.string("RELAY_DB_HOST", default: "127.0.0.1"),
            port: try env.int("RELAY_DB_PORT", default: 5432, range: 1...65535),
            database: try env.string("RELAY_DB_NAME", default: "relay"),
            username: try env.string("RELAY_DB_USER", default: "relay"),
            password: env.optional("RELAY_DB_PASSWORD"),
            maxConnections: try env.int("RELAY_DB_POOL_SIZE", default: 20, range: 1...500),
            tls: tls, tlsCAFile: caFile)
    }

    /// Refuses a CA bundle that cannot be read or holds no certificate that parses.
    static func checkCABundle(_ path: String) throws(ConfigurationError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(setting: "RELAY_DB_TLS_CA", reason: "cannot read \(path)")
        }
        let text = String(decoding: data, as: UTF8.self)
        guard text.contains("-----BEGIN CERTIFICATE-----") else {
            throw ConfigurationError(setting: "RELAY_DB_TLS_CA", reason: "\(path) is not a PEM certificate bundle (no -----BEGIN CERTIFICATE----- block)")
        }
        do {
            _ = try NIOSSLCertificate.fromPEMBytes(Array(data))
        } catch {
            throw ConfigurationError(setting: "RELAY_DB_TLS_CA", reason: "\(path): a certificate block does not parse (damaged PEM?)")
        }
    }

    /// The TLS mode postgres-nio is given: `require` encrypts without checking the certificate
    /// (libpq's `sslmode=require`); `verify-full` checks the chain and the host name.
    var clientTLS: PostgresClient.Configuration.TLS {
        switch tls {
        case .disable:
            return .disable
        case .require:
            var config = TLSConfiguration.makeClientConfiguration()
            config.certificateVerification = .none
            return .require(config)
        case .verifyFull:
            var config = TLSConfiguration.makeClientConfiguration()
            config.certificateVerification = .fullVerification
            if let tlsCAFile { config.trustRoots = .file(tlsCAFile) }
            return .require(config)
        }
    }
}
