import Foundation
import NIOSSL
import RelayCore
import RelayReplication
import RelaySystem
import RelayTestSupport
import Testing

/// Two regions whose relay-dr processes serve their replication ports over TLS, require client
/// certificates from the test CA (mutual TLS) and ship to each other over https with their own
/// client certificate. Certificates come from `openssl` at test time (TestPKI).
extension MultiRegionSuites {
@Suite(.timeLimit(.minutes(5)))
struct TLSReplicationTests {
    static func settings(_ pki: TestPKI) -> [String: String] {
        [
            "RELAY_DR_TLS_CERT": pki.serverCertificate, "RELAY_DR_TLS_KEY": pki.serverKey,
            "RELAY_DR_TLS_CLIENT_CA": pki.caCertificate,
            "RELAY_DR_TLS_CA": pki.caCertificate,
            "RELAY_DR_TLS_CLIENT_CERT": pki.clientCertificate, "RELAY_DR_TLS_CLIENT_KEY": "file:" + pki.clientKey,
        ]
    }

    @Test func twoRegionsReplicateOverMutualTLSAndClientsWithoutTheRightCertificateAreRefused() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ChainerProcess.executable), "build relay-dr first")
        try await TestPKI.with { pki in
            try await TestRegions.with(["r1", "r2"], start: []) { regions in
                try await TemporaryDirectory.with(prefix: "relay-tls-") { temporary in
                    let dir = temporary.url
                    try DRProcess.writeConfig(regions, to: dir, drScheme: "https")
                    var procs: [String: DRProcess] = [:]
                    defer { for p in procs.values { p.killNow() } }
                    for id in ["r1", "r2"] { procs[id] = try DRProcess.start(regions, id, dir: dir, settings: Self.settings(pki)) }

                    let good = try HTTPS.tls(trusting: pki.caCertificate, certificate: pki.clientCertificate, key: pki.clientKey)
                    for id in ["r1", "r2"] {
                        let url = "https://127.0.0.1:\(regions.node(id).drPort)/health"
                        let deadline = ContinuousClock.now + .seconds(60)
                        var status: Int?
                        while ContinuousClock.now < deadline, status != 200 {
                            status = try? await HTTPS.get(url, tls: good)
                            if status != 200 { try await Task.sleep(for: .milliseconds(100)) }
                        }
                        try #require(status == 200, "\(id) answers /health over mTLS (log: \(procs[id]!.log.path))")
                    }

                    // Records written in each region reach the other over https.
                    for round in 0..<4 {
                        for id in ["r1", "r2"] { try await regions.decide(in: id, amount: Double(round * 100 + 1)) }
                    }
                    #expect(try await regions.waitUntilConverged(), "logs in \(dir.path)")
                    for (origin, holder) in [("r1", "r2"), ("r2", "r1")] {
                        let mine = try await regions.chain(of: origin, in: origin)
                        let copy = try await regions.chain(of: origin, in: holder)
                        #expect(mine.count == 4)
                        #expect(copy.map(\.0) == mine.map(\.0))
                        #expect(copy.map(\.1) == mine.map(\.1), "\(holder)'s copy of \(origin) equals the origin's chain")
                    }

                    // What `relay-dr status` does, with the client certificate: both reachable, no lag.
                    let files = try RegionSet.load(directory: dir.appendingPathComponent("regions").path)
                    #expect(files.regions.allSatisfy { $0.drURL.scheme == "https" })
                    let status = await StatusProbe(regions: files, timeout: .seconds(5), tls: good).run()
                    #expect(status.regions.allSatisfy { $0.error == nil }, "\(status.json)")
                    #expect(status.exitCode == 0, "\(status.table)")

                    // Refused: plain HTTP to the TLS port, no client certificate, a certificate from
                    // another CA; and the client side refuses a server its roots do not vouch for.
                    let port = regions.node("r1").drPort
                    let url = "https://127.0.0.1:\(port)/health"
                    await #expect(throws: (any Error).self, "plain HTTP to the TLS port") {
                        try await HTTP.get("http://127.0.0.1:\(port)/health")
                    }
                    await #expect(throws: (any Error).self, "https without a client certificate") {
                        try await HTTPS.get(url, tls: try HTTPS.tls(trusting: pki.caCertificate))
                    }
                    await #expect(throws: (any Error).self, "a client certificate from another CA") {
                        try await HTTPS.get(
                            url, tls: try HTTPS.tls(trusting: pki.caCertificate, certificate: pki.otherClientCertificate, key: pki.otherClientKey))
                    }
                    await #expect(throws: (any Error).self, "a client that trusts only the system roots") {
                        try await HTTPS.get(url, tls: try HTTPS.tls(trusting: nil, certificate: pki.clientCertificate, key: pki.clientKey))
                    }
                    // The right certificate still works after all that.
                    #expect(try await HTTPS.get(url, tls: good) == 200)
                    for p in procs.values { await p.stop() }
                }
            }
        }
    }

    @Test func badTLSSettingsStopRelayDRWithAnErrorNamingTheSettingOrTheFile() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ChainerProcess.executable), "build relay-dr first")
        try await TestPKI.with { pki in
            // The settings are checked before the database is used: no cluster of its own needed.
            try await TestRegions.with(["r1", "r2"], dedicatedClusters: false, start: []) { regions in
                try await TemporaryDirectory.with(prefix: "relay-tls-bad-") { temporary in
                    let dir = temporary.url
                    try DRProcess.writeConfig(regions, to: dir, drScheme: "https")
                    let garbage = dir.appendingPathComponent("garbage.pem").path
                    try "not a certificate\n".write(toFile: garbage, atomically: true, encoding: .utf8)
                    let readableKey = dir.appendingPathComponent("readable.key").path
                    try FileManager.default.copyItem(atPath: pki.serverKey, toPath: readableKey)
                    #expect(chmod(readableKey, 0o644) == 0)
                    let missing = dir.appendingPathComponent("missing.pem").path

                    let cases: [(settings: [String: String], expected: [String])] = [
                        (["RELAY_DR_TLS_CERT": pki.serverCertificate], ["RELAY_DR_TLS_KEY: not set, but RELAY_DR_TLS_CERT is"]),
                        (["RELAY_DR_TLS_KEY": pki.serverKey], ["RELAY_DR_TLS_CERT: not set, but RELAY_DR_TLS_KEY is"]),
                        (["RELAY_DR_TLS_CERT": missing, "RELAY_DR_TLS_KEY": pki.serverKey], ["RELAY_DR_TLS_CERT: cannot read \(missing)", "No such file"]),
                        (["RELAY_DR_TLS_CERT": garbage, "RELAY_DR_TLS_KEY": pki.serverKey], ["RELAY_DR_TLS_CERT: \(garbage) is not a PEM certificate file"]),
                        (["RELAY_DR_TLS_CERT": pki.serverCertificate, "RELAY_DR_TLS_KEY": readableKey], ["RELAY_DR_TLS_KEY:", readableKey, "chmod 600"]),
                        (["RELAY_DR_TLS_CERT": pki.serverCertificate, "RELAY_DR_TLS_KEY": pki.clientKey], ["RELAY_DR_TLS_KEY: the private key", "does not match"]),
                        (["RELAY_DR_TLS_CLIENT_CA": pki.caCertificate], ["RELAY_DR_TLS_CLIENT_CA: set, but RELAY_DR_TLS_CERT and RELAY_DR_TLS_KEY are not"]),
                        (["RELAY_DR_TLS_CLIENT_CERT": pki.clientCertificate], ["RELAY_DR_TLS_CLIENT_KEY: not set, but RELAY_DR_TLS_CLIENT_CERT is"]),
                        (["RELAY_DR_TLS_CA": garbage], ["RELAY_DR_TLS_CA: \(garbage) is not a PEM certificate file"]),
                    ]
                    for c in cases {
                        let result = try await DRProcess.runUntilExit(regions, "r1", dir: dir, settings: c.settings)
                        let (status, output) = try #require(result, "relay-dr kept running with \(c.settings)")
                        #expect(status == 2, "\(c.settings): \(output)")
                        #expect(output.contains("relay-dr: configuration error:"), "\(output)")
                        for text in c.expected { #expect(output.contains(text), "\(c.settings): \(output)") }
                    }
                }
            }
        }
    }
}
}
