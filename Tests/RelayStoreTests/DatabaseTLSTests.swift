import Foundation
import Logging
import RelayCore
import RelayLocal
import RelayStore
import RelayTestSupport
import Testing

/// `RELAY_DB_TLS` / `RELAY_DB_TLS_CA`: managed PostgreSQL (RDS with `rds.force_ssl`) accepts TLS
/// connections only, so the gateway and relay-dr must be able to speak it and check the server.
struct DatabaseTLSTests {
    private func configuration(_ env: [String: String]) throws(ConfigurationError) -> DatabaseConfiguration {
        try DatabaseConfiguration.fromEnvironment(EnvironmentReader(env))
    }

    private func refusal(_ env: [String: String]) -> ConfigurationError? {
        do {
            _ = try configuration(env)
            return nil
        } catch { return error }
    }

    @Test func plainTCPUnlessTLSIsAskedFor() throws {
        let config = try configuration([:])
        #expect(config.tls == .disable)
        #expect(config.tlsCAFile == nil)
        #expect(try configuration(["RELAY_DB_TLS": "require"]).tls == .require)
        #expect(try configuration(["RELAY_DB_TLS": "VERIFY-FULL"]).tls == .verifyFull)
    }

    @Test func badSettingsStopStartUpNamingThem() throws {
        let mode = try #require(refusal(["RELAY_DB_TLS": "prefer"]))
        #expect(mode.setting == "RELAY_DB_TLS")
        #expect(mode.reason.contains("disable, require, verify-full"), "\(mode)")

        let caWithoutVerify = try #require(refusal(["RELAY_DB_TLS": "require", "RELAY_DB_TLS_CA": "/etc/ssl/certs/ca-certificates.crt"]))
        #expect(caWithoutVerify.setting == "RELAY_DB_TLS_CA")
        #expect(caWithoutVerify.reason.contains("verify-full"), "\(caWithoutVerify)")

        let missing = try #require(refusal(["RELAY_DB_TLS": "verify-full", "RELAY_DB_TLS_CA": "/nonexistent/rds-bundle.pem"]))
        #expect(missing.setting == "RELAY_DB_TLS_CA")
        #expect(missing.reason.contains("cannot read /nonexistent/rds-bundle.pem"), "\(missing)")

        try TemporaryDirectory.with(prefix: "relay-db-tls-") { dir in
            let notPEM = dir.url.appendingPathComponent("bundle.pem").path
            try "not a certificate\n".write(toFile: notPEM, atomically: true, encoding: .utf8)
            let bad = try #require(refusal(["RELAY_DB_TLS": "verify-full", "RELAY_DB_TLS_CA": notPEM]))
            #expect(bad.reason.contains("not a PEM certificate bundle"), "\(bad)")
        }
    }

    /// A server with `ssl=on`: `require` and `verify-full` (with its CA) connect over TLS, as
    /// `pg_stat_ssl` shows; `verify-full` with a CA that did not issue the certificate fails.
    @Test func connectsOverTLSAndChecksTheCertificate() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("relay-db-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        for (name, cn) in [("ca", "Relay DB test CA"), ("other-ca", "Unrelated CA")] {
            try await openssl(
                ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                 "-subj", "/CN=\(cn)", "-keyout", path("\(name).key"), "-out", path("\(name).pem")])
        }
        try "subjectAltName = IP:127.0.0.1, DNS:localhost\n".write(toFile: path("server.ext"), atomically: true, encoding: .utf8)
        try await openssl(
            ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=127.0.0.1",
             "-keyout", path("server.key"), "-out", path("server.csr")])
        try await openssl(
            ["x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"), "-set_serial", "2",
             "-days", "2", "-extfile", path("server.ext"), "-out", path("server.pem")])
        // PostgreSQL refuses a key others can read, and runs as the postgres OS user under root.
        var attributes: [FileAttributeKey: Any] = [.posixPermissions: 0o600]
        if geteuid() == 0 { attributes[.ownerAccountName] = "postgres" }
        try FileManager.default.setAttributes(attributes, ofItemAtPath: path("server.key"))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path("server.pem"))

        let cluster = try await PostgresCluster.start(
            .init(name: "db-tls", extraSettings: ["ssl": "on", "ssl_cert_file": path("server.pem"), "ssl_key_file": path("server.key")]))
        do {
            let base = ["RELAY_DB_HOST": cluster.host, "RELAY_DB_PORT": "\(cluster.port)", "RELAY_DB_NAME": "postgres", "RELAY_DB_USER": cluster.superuser]
            for env in [["RELAY_DB_TLS": "require"], ["RELAY_DB_TLS": "verify-full", "RELAY_DB_TLS_CA": path("ca.pem")]] {
                let ssl = try await withDatabase(base.merging(env) { $1 }) { database in
                    try await database.client.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").collect()
                        .first?.decode(Bool.self)
                }
                #expect(ssl == true, "\(env)")
            }
            // The pool keeps retrying the refused handshake (CERTIFICATE_VERIFY_FAILED in the log);
            // no query gets through in 3 s, where the two above needed milliseconds.
            await #expect(throws: (any Error).self, "a certificate from another CA is refused") {
                try await withDatabase(base.merging(["RELAY_DB_TLS": "verify-full", "RELAY_DB_TLS_CA": path("other-ca.pem")]) { $1 }, timeout: .seconds(3)) { database in
                    try await database.client.query("SELECT 1").collect().count
                }
            }
        } catch {
            try? await cluster.stop()
            throw error
        }
        try await cluster.stop()
    }

    private func openssl(_ arguments: [String]) async throws {
        let out = try await ChildProcess.run("/usr/bin/openssl", arguments)
        guard out.status == 0 else { throw TLSTestSetupFailed(output: "openssl \(arguments.first ?? ""): \(out.stderr)") }
    }

    /// Runs `body` with a running pool configured from `env`; gives up after `timeout`.
    private func withDatabase<T: Sendable>(
        _ env: [String: String], timeout: Duration = .seconds(10), _ body: @escaping @Sendable (Database) async throws -> T
    ) async throws -> T {
        let database = Database(configuration: try configuration(env), logger: Logger(label: "db-tls-test"))
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await database.run()
                return nil
            }
            group.addTask { try await database.bounded(timeout) { try await body(database) } }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let value = next { return value }
            }
            throw TLSTestSetupFailed(output: "the pool stopped")
        }
    }
}

private struct TLSTestSetupFailed: Error, CustomStringConvertible {
    let output: String
    var description: String { output }
}
