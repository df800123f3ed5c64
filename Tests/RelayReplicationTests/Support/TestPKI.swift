import Foundation
import RelayTestSupport

/// A throwaway PKI made with the `openssl` command in a temp folder: a CA, a server certificate
/// for 127.0.0.1/localhost, a client certificate, and an unrelated second CA with a client
/// certificate of its own. Keys are EC P-256 PEM files, mode 0600. Valid for two days.
struct TestPKI: Sendable {
    let directory: URL

    var caCertificate: String { path("ca.pem") }
    var serverCertificate: String { path("server.pem") }
    var serverKey: String { path("server.key") }
    var clientCertificate: String { path("client.pem") }
    var clientKey: String { path("client.key") }
    var otherCACertificate: String { path("other-ca.pem") }
    var otherClientCertificate: String { path("other-client.pem") }
    var otherClientKey: String { path("other-client.key") }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Makes a PKI in a fresh temporary folder, runs `body` with it, and removes the folder (private
    /// keys included) afterwards, also when `body` throws.
    static func with<T>(_ body: (TestPKI) throws -> T) throws -> T {
        try TemporaryDirectory.with(prefix: "relay-pki-") { directory in try body(try make(in: directory.url)) }
    }

    /// Makes a PKI in a fresh temporary folder, runs `body` with it, and removes the folder (private
    /// keys included) afterwards, also when `body` throws.
    static func with<T>(isolation: isolated (any Actor)? = #isolation, _ body: (TestPKI) async throws -> T) async throws -> T {
        try await TemporaryDirectory.with(prefix: "relay-pki-") { directory in try await body(try make(in: directory.url)) }
    }

    /// Makes the PKI under `directory`.
    static func make(in directory: URL) throws(TestPKIError) -> TestPKI {
        let pki = TestPKI(directory: directory)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try """
                [req]
                distinguished_name = dn
                [dn]
                [ca]
                basicConstraints = critical, CA:TRUE
                keyUsage = critical, keyCertSign, cRLSign
                subjectKeyIdentifier = hash

                """.write(toFile: pki.path("openssl.cnf"), atomically: true, encoding: .utf8)
            try """
                basicConstraints = CA:FALSE
                keyUsage = critical, digitalSignature
                extendedKeyUsage = serverAuth
                subjectAltName = IP:127.0.0.1, DNS:localhost

                """.write(toFile: pki.path("server.ext"), atomically: true, encoding: .utf8)
            try """
                basicConstraints = CA:FALSE
                keyUsage = critical, digitalSignature
                extendedKeyUsage = clientAuth

                """.write(toFile: pki.path("client.ext"), atomically: true, encoding: .utf8)
        } catch {
            throw TestPKIError(step: "write openssl configuration", output: "\(error)")
        }
        try pki.ca("ca", name: "Relay test CA")
        try pki.leaf("server", name: "relay-dr test server", ca: "ca", extensions: "server.ext", serial: 2)
        try pki.leaf("client", name: "relay-dr test client", ca: "ca", extensions: "client.ext", serial: 3)
        try pki.ca("other-ca", name: "Unrelated test CA")
        try pki.leaf("other-client", name: "relay-dr other client", ca: "other-ca", extensions: "client.ext", serial: 4)
        return pki
    }

    private func ca(_ name: String, name subject: String) throws(TestPKIError) {
        try key(name)
        try openssl(
            "req", "-x509", "-new", "-key", path("\(name).key"), "-out", path("\(name).pem"), "-days", "2", "-subj", "/CN=\(subject)",
            "-config", path("openssl.cnf"), "-extensions", "ca")
    }

    private func leaf(_ name: String, name subject: String, ca: String, extensions: String, serial: Int) throws(TestPKIError) {
        try key(name)
        try openssl(
            "req", "-new", "-key", path("\(name).key"), "-out", path("\(name).csr"), "-subj", "/CN=\(subject)",
            "-config", path("openssl.cnf"))
        try openssl(
            "x509", "-req", "-in", path("\(name).csr"), "-CA", path("\(ca).pem"), "-CAkey", path("\(ca).key"), "-set_serial", "\(serial)",
            "-days", "2", "-extfile", path(extensions), "-out", path("\(name).pem"))
    }

    private func key(_ name: String) throws(TestPKIError) {
        try openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path("\(name).key"))
        guard chmod(path("\(name).key"), 0o600) == 0 else { throw TestPKIError(step: "chmod \(name).key", output: "errno \(errno)") }
    }

    private func openssl(_ arguments: String...) throws(TestPKIError) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["openssl"] + arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { throw TestPKIError(step: "openssl \(arguments.first ?? "")", output: "\(error)") }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw TestPKIError(step: "openssl " + arguments.joined(separator: " "), output: output)
        }
    }
}

/// An openssl step that failed, with its output.
struct TestPKIError: Error, CustomStringConvertible {
    let step: String
    let output: String
    var description: String { "\(step): \(output)" }
}
