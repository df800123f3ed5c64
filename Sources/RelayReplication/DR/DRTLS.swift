import NIOSSL

/// relay-dr's TLS: the replication port's (server side) and the shipper's towards peers whose
/// `dr_url` is https (client side). Read from the RELAY_DR_TLS_* settings (`fromEnvironment`).
public struct DRTLS: Sendable {
    /// The replication port's TLS; nil serves plain HTTP.
    public var server: TLSConfiguration?
    /// What the shipper (and `relay-dr status`) uses towards https peers.
    public var client: TLSConfiguration
    /// Whether trust roots or a client certificate were given for the client side: then every
    /// peer's `dr_url` must be https, so nothing goes to a peer in the clear by mistake.
    public var clientConfigured: Bool

    /// Creates a configuration: plain HTTP served, system trust roots towards https peers.
    public init(server: TLSConfiguration? = nil, client: TLSConfiguration = DRTLS.defaultClient(), clientConfigured: Bool = false) {
        self.server = server
        self.client = client
        self.clientConfigured = clientConfigured
    }

    /// TLS 1.2 or later, the system's trust roots, the peer's certificate checked against its host
    /// name (or IP address), no client certificate.
    public static func defaultClient() -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        return tls
    }

    /// Whether the replication port refuses clients without a certificate from the client CA.
    public var requiresClientCertificate: Bool {
        switch server?.certificateVerification {
        case .fullVerification?, .noHostnameVerification?: true
        default: false
        }
    }

    /// `off`, `tls` or `mutual` (for the start-up log line).
    public var serverMode: String {
        server == nil ? "off" : requiresClientCertificate ? "mutual" : "tls"
    }
}
