import Foundation
import NIOSSL
import RelayCore

extension DRTLS {
    /// The RELAY_DR_TLS_* settings.
    public enum Setting {
        /// PEM certificate chain of the replication port (leaf first).
        public static let certificate = "RELAY_DR_TLS_CERT"
        /// Its private key: a path or a key source (`file:`, `secret:`, `env:`); files mode 0600.
        public static let key = "RELAY_DR_TLS_KEY"
        /// PEM bundle of the CAs whose client certificates the replication port requires (mTLS).
        public static let clientCA = "RELAY_DR_TLS_CLIENT_CA"
        /// PEM bundle the shipper trusts for https peers (default: the system's roots).
        public static let ca = "RELAY_DR_TLS_CA"
        /// PEM certificate chain the shipper presents to peers.
        public static let clientCertificate = "RELAY_DR_TLS_CLIENT_CERT"
        /// Its private key, as for `key`.
        public static let clientKey = "RELAY_DR_TLS_CLIENT_KEY"
    }

    /// Reads the server side (RELAY_DR_TLS_CERT, RELAY_DR_TLS_KEY, RELAY_DR_TLS_CLIENT_CA) and the
    /// client side (RELAY_DR_TLS_CA, RELAY_DR_TLS_CLIENT_CERT, RELAY_DR_TLS_CLIENT_KEY). Every file
    /// is read and checked now (PEM parses, key matches certificate, certificate in its validity
    /// period, key file not readable by others), so a bad setting stops start-up naming it.
    public static func fromEnvironment(_ environment: [String: String], now: Date = Date()) throws(ConfigurationError) -> DRTLS {
        let client = try clientFromEnvironment(environment, now: now)
        return DRTLS(server: try serverFromEnvironment(environment, now: now), client: client.tls, clientConfigured: client.configured)
    }

    /// The client side alone (for `relay-dr status`, which only asks): `configured` is false when
    /// none of its settings is given (system roots, no client certificate).
    public static func clientFromEnvironment(
        _ environment: [String: String], now: Date = Date()
    ) throws(ConfigurationError) -> (tls: TLSConfiguration, configured: Bool) {
        let env = EnvironmentReader(environment)
        var tls = defaultClient()
        var configured = false
        if let path = env.optional(Setting.ca) {
            tls.trustRoots = .certificates(try PEMFile.certificates(path, setting: Setting.ca))
            configured = true
        }
        if let (chain, key) = try identity(
            env, certificate: Setting.clientCertificate, key: Setting.clientKey, environment: environment, now: now)
        {
            tls.certificateChain = chain.map { .certificate($0) }
            tls.privateKey = .privateKey(key)
            configured = true
        }
        return (tls, configured)
    }

    /// Refuses a configuration that would send or serve in the clear what its settings say is
    /// TLS: a TLS port behind an http `dr_url` (peers would speak plain HTTP to it), or client TLS
    /// settings with a peer whose `dr_url` is http (its batches would go unencrypted).
    public func checkURLs(region: Region, peers: [Region], directory: String) throws(ConfigurationError) {
        if server != nil, region.drURL.scheme?.lowercased() != "https" {
            throw ConfigurationError(
                setting: Setting.certificate,
                reason: "the replication port serves TLS, but \(region.id)'s dr_url in \(directory) is \(region.drURL.absoluteString): peers would speak plain HTTP to it; make it https://")
        }
        guard clientConfigured else { return }
        for peer in peers where peer.drURL.scheme?.lowercased() != "https" {
            let given = [Setting.ca, Setting.clientCertificate].joined(separator: "/")
            throw ConfigurationError(
                setting: given,
                reason: "client TLS is configured, but peer \(peer.id)'s dr_url in \(directory) is \(peer.drURL.absoluteString): its batches would go unencrypted; make every peer's dr_url https://")
        }
    }

    private static func serverFromEnvironment(_ environment: [String: String], now: Date) throws(ConfigurationError) -> TLSConfiguration? {
        let env = EnvironmentReader(environment)
        guard let (chain, key) = try identity(env, certificate: Setting.certificate, key: Setting.key, environment: environment, now: now)
        else {
            if env.optional(Setting.clientCA) != nil {
                throw ConfigurationError(
                    setting: Setting.clientCA,
                    reason: "set, but \(Setting.certificate) and \(Setting.key) are not: client certificates are checked only on a TLS port; give the port's certificate and key too")
            }
            return nil
        }
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        if let path = env.optional(Setting.clientCA) {
            // A client without a certificate, or with one that does not chain to these roots,
            // fails the handshake (the peer's host name is not checked: a client has none to match).
            tls.certificateVerification = .noHostnameVerification
            tls.trustRoots = .certificates(try PEMFile.certificates(path, setting: Setting.clientCA))
            tls.sendCANameList = true
        }
        return tls
    }

    /// The certificate chain and key of a `certificate`/`key` pair of settings; nil when neither is set.
    private static func identity(
        _ env: EnvironmentReader, certificate: String, key: String, environment: [String: String], now: Date
    ) throws(ConfigurationError) -> ([NIOSSLCertificate], NIOSSLPrivateKey)? {
        let certificatePath: String
        let keyValue: String
        switch (env.optional(certificate), env.optional(key)) {
        case (nil, nil): return nil
        case (let c?, let k?): (certificatePath, keyValue) = (c, k)
        case (_?, nil):
            throw ConfigurationError(setting: key, reason: "not set, but \(certificate) is: give that certificate's private key (a PEM file, mode 0600)")
        case (nil, _?):
            throw ConfigurationError(setting: certificate, reason: "not set, but \(key) is: give the PEM certificate (chain) of that key")
        }
        let chain = try PEMFile.certificates(certificatePath, setting: certificate)
        try PEMFile.checkValidity(chain, path: certificatePath, setting: certificate, now: now)
        let privateKey = try PEMFile.privateKey(keyValue, setting: key, environment: environment)
        // BoringSSL refuses a key that is not the leaf certificate's when it builds a context.
        do {
            _ = try NIOSSLContext(
                configuration: .makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey)))
        } catch {
            throw ConfigurationError(
                setting: key, reason: "the private key in \(keyValue) does not match the certificate in \(certificatePath) (\(certificate))")
        }
        return (chain, privateKey)
    }
}
