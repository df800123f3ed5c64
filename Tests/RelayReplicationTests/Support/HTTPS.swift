import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// HTTPS for tests, each call on a client of its own with the TLS configuration given (built
/// with NIOSSL directly, not with relay-dr's settings code).
enum HTTPS {
    /// A client configuration trusting `ca` (nil: the system's roots), presenting `certificate` +
    /// `key` when given.
    static func tls(trusting ca: String?, certificate: String? = nil, key: String? = nil) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let ca { tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca)) }
        if let certificate, let key {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        }
        return tls
    }

    /// GET `url`; the status code (throws when the connection or the handshake fails).
    static func get(_ url: String, tls: TLSConfiguration) async throws -> Int {
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(10))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
            _ = try await response.body.collect(upTo: 16 << 20)
            try await client.shutdown()
            return Int(response.status.code)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
