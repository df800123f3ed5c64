import Foundation
import NIOSSL
import RelayCore
import RelayReplication
import RelayTestSupport
import Testing

/// The RELAY_DR_TLS_* settings: what they build, and the one-line errors of bad ones (no network,
/// no database; certificates from `openssl` at test time).
struct DRTLSConfigurationTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    private func error(_ environment: [String: String]) -> ConfigurationError? {
        do {
            _ = try DRTLS.fromEnvironment(environment)
            return nil
        } catch { return error }
    }

    private func region(_ id: String, _ drURL: String) -> Region {
        Region(
            id: id, gatewayURL: URL(string: "https://gw.example")!, drURL: URL(string: drURL)!,
            database: RegionDatabase(host: .literal("127.0.0.1"), port: 5432, name: "relay"), keys: [])
    }

    @Test func withoutSettingsThePortIsPlainAndPeersAreCheckedAgainstTheSystemRoots() throws {
        let tls = try DRTLS.fromEnvironment([:])
        #expect(tls.server == nil)
        #expect(tls.serverMode == "off")
        #expect(!tls.clientConfigured)
        #expect(tls.client.trustRoots == .default)
        #expect(tls.client.certificateChain.isEmpty)
        #expect(tls.client.minimumTLSVersion == .tlsv12)
        // https peers are fine without settings (system roots); http ones too.
        try tls.checkURLs(
            region: region("a", "http://127.0.0.1:1"), peers: [region("b", "https://b.example"), region("c", "http://c")],
            directory: "regions")
    }

    @Test func certificateAndKeyServeTLSAndAClientCARequiresClientCertificates() throws {
        try TestPKI.with { pki in
            let plain = try DRTLS.fromEnvironment(["RELAY_DR_TLS_CERT": pki.serverCertificate, "RELAY_DR_TLS_KEY": pki.serverKey])
            let server = try #require(plain.server)
            #expect(plain.serverMode == "tls")
            #expect(!plain.requiresClientCertificate)
            #expect(server.certificateChain.count == 1)
            #expect(server.minimumTLSVersion == .tlsv12)

            let mutual = try DRTLS.fromEnvironment([
                "RELAY_DR_TLS_CERT": pki.serverCertificate, "RELAY_DR_TLS_KEY": "file:" + pki.serverKey,
                "RELAY_DR_TLS_CLIENT_CA": pki.caCertificate,
            ])
            #expect(mutual.serverMode == "mutual")
            #expect(mutual.requiresClientCertificate)
            #expect(mutual.server?.trustRoots == .certificates(try NIOSSLCertificate.fromPEMFile(pki.caCertificate)))
            #expect(!mutual.clientConfigured, "server settings leave the client side alone")
        }
    }

    @Test func clientSettingsSetTheTrustRootsAndTheCertificatePresentedToPeers() throws {
        try TestPKI.with { pki in
            let tls = try DRTLS.fromEnvironment([
                "RELAY_DR_TLS_CA": pki.caCertificate, "RELAY_DR_TLS_CLIENT_CERT": pki.clientCertificate,
                "RELAY_DR_TLS_CLIENT_KEY": pki.clientKey,
            ])
            #expect(tls.server == nil)
            #expect(tls.clientConfigured)
            #expect(tls.client.trustRoots == .certificates(try NIOSSLCertificate.fromPEMFile(pki.caCertificate)))
            #expect(tls.client.certificateChain == [.certificate(try NIOSSLCertificate.fromPEMFile(pki.clientCertificate)[0])])
            #expect(tls.client.privateKey != nil)
            #expect(tls.client.certificateVerification == .fullVerification)
            // Only trust roots: configured, no certificate presented.
            let rootsOnly = try DRTLS.fromEnvironment(["RELAY_DR_TLS_CA": pki.caCertificate])
            #expect(rootsOnly.clientConfigured)
            #expect(rootsOnly.client.certificateChain.isEmpty)
        }
    }

    @Test func aKeyCanComeFromAKeySource() throws {
        try TestPKI.with { pki in
            let pem = try String(contentsOfFile: pki.serverKey, encoding: .utf8)
            let tls = try DRTLS.fromEnvironment([
                "RELAY_DR_TLS_CERT": pki.serverCertificate, "RELAY_DR_TLS_KEY": "env:DR_TLS_KEY_PEM", "DR_TLS_KEY_PEM": pem,
            ])
            #expect(tls.server != nil)
            #expect(error(["RELAY_DR_TLS_CERT": pki.serverCertificate, "RELAY_DR_TLS_KEY": "env:UNSET_TLS_KEY"])?.setting == "RELAY_DR_TLS_KEY")
        }
    }

    @Test func aCertificateWithoutItsKeyOrAKeyWithoutItsCertificateNamesTheMissingSetting() throws {
        try TestPKI.with { pki in
            let pairs = [("RELAY_DR_TLS_CERT", "RELAY_DR_TLS_KEY"), ("RELAY_DR_TLS_CLIENT_CERT", "RELAY_DR_TLS_CLIENT_KEY")]
            for (certificate, key) in pairs {
                let noKey = try #require(error([certificate: pki.clientCertificate]))
                #expect(noKey.setting == key)
                #expect(noKey.reason.contains("not set, but \(certificate) is"), "\(noKey)")
                let noCertificate = try #require(error([key: pki.clientKey]))
                #expect(noCertificate.setting == certificate)
                #expect(noCertificate.reason.contains("not set, but \(key) is"), "\(noCertificate)")
            }
            let lonelyCA = try #require(error(["RELAY_DR_TLS_CLIENT_CA": pki.caCertificate]))
            #expect(lonelyCA.setting == "RELAY_DR_TLS_CLIENT_CA")
            #expect(lonelyCA.reason.contains("RELAY_DR_TLS_CERT and RELAY_DR_TLS_KEY are not"), "\(lonelyCA)")
        }
    }

    @Test func missingAndUnreadableFilesAreNamedWithTheReason() throws {
        try TestPKI.with { pki in
            try TemporaryDirectory.with(prefix: "relay-dr-tls-") { scratch in
                let dir = scratch.path
                let missing = dir + "/missing.pem"
                for setting in ["RELAY_DR_TLS_CERT", "RELAY_DR_TLS_CLIENT_CA", "RELAY_DR_TLS_CA", "RELAY_DR_TLS_CLIENT_CERT"] {
                    var environment = [
                        "RELAY_DR_TLS_CERT": pki.serverCertificate, "RELAY_DR_TLS_KEY": pki.serverKey,
                        "RELAY_DR_TLS_CLIENT_CERT": pki.clientCertificate, "RELAY_DR_TLS_CLIENT_KEY": pki.clientKey,
                    ]
                    environment[setting] = missing
                    let e = try #require(error(environment), "\(setting)")
                    #expect(e.setting == setting)
                    #expect(e.reason == "cannot read \(missing): No such file or directory")
                }
                let noKey = try #require(error(["RELAY_DR_TLS_CERT": pki.serverCertificate, "RELAY_DR_TLS_KEY": missing]))
                #expect(noKey.setting == "RELAY_DR_TLS_KEY")
                #expect(noKey.reason.contains("cannot read \(missing): No such file or directory"), "\(noKey)")
                let directory = try #require(error(["RELAY_DR_TLS_CA": dir]))
                #expect(directory.reason == "\(dir) is not a regular file")
            }
        }
    }

    @Test func garbageAndDamagedPEMAreRefusedNamingTheFile() throws {
        try TestPKI.with { pki in
            try TemporaryDirectory.with(prefix: "relay-dr-tls-") { scratch in
                let dir = scratch.path
                let garbage = dir + "/garbage.pem"
                try "hello, I am not PEM\n".write(toFile: garbage, atomically: true, encoding: .utf8)
                #expect(chmod(garbage, 0o600) == 0)
                let damaged = dir + "/damaged.pem"
                try "-----BEGIN CERTIFICATE-----\nAAAAnotbase64!!\n-----END CERTIFICATE-----\n".write(toFile: damaged, atomically: true, encoding: .utf8)

                let notPEM = try #require(error(["RELAY_DR_TLS_CERT": garbage, "RELAY_DR_TLS_KEY": pki.serverKey]))
                #expect(notPEM == ConfigurationError(
                    setting: "RELAY_DR_TLS_CERT", reason: "\(garbage) is not a PEM certificate file (no -----BEGIN CERTIFICATE----- block)"))
                let broken = try #require(error(["RELAY_DR_TLS_CA": damaged]))
                #expect(broken == ConfigurationError(setting: "RELAY_DR_TLS_CA", reason: "\(damaged): a certificate block does not parse (damaged PEM?)"))
                let badKey = try #require(error(["RELAY_DR_TLS_CERT": pki.serverCertificate, "RELAY_DR_TLS_KEY": garbage]))
                #expect(badKey.setting == "RELAY_DR_TLS_KEY")
                #expect(badKey.reason == "\(garbage) is not a PEM private key (no -----BEGIN … PRIVATE KEY----- block)")
                // Swapped files: each error says what the file holds instead.
                let swapped = try #require(error(["RELAY_DR_TLS_CERT": pki.serverKey, "RELAY_DR_TLS_KEY": pki.serverKey]))
                #expect(swapped.setting == "RELAY_DR_TLS_CERT")
                #expect(swapped.reason.contains("it holds a private key"), "\(swapped)")
            }
        }
    }

    @Test func aKeyFileOthersCanReadAnEncryptedKeyAndAKeyOfAnotherCertificateAreRefused() throws {
        try TestPKI.with { pki in
            try TemporaryDirectory.with(prefix: "relay-dr-tls-") { scratch in
                let dir = scratch.path
                let readable = dir + "/readable.key"
                try FileManager.default.copyItem(atPath: pki.serverKey, toPath: readable)
                #expect(chmod(readable, 0o640) == 0)
                let exposed = try #require(error(["RELAY_DR_TLS_CERT": pki.serverCertificate, "RELAY_DR_TLS_KEY": readable]))
                #expect(exposed.setting == "RELAY_DR_TLS_KEY")
                #expect(exposed.reason.contains("\(readable) is readable or writable by group or others (mode 640); chmod 600 it"), "\(exposed)")

                let encrypted = dir + "/encrypted.key"
                let p = Process()
                p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                p.arguments = ["openssl", "pkey", "-in", pki.serverKey, "-aes256", "-passout", "pass:secret", "-out", encrypted]
                try p.run()
                p.waitUntilExit()
                try #require(p.terminationStatus == 0)
                #expect(chmod(encrypted, 0o600) == 0)
                let locked = try #require(error(["RELAY_DR_TLS_CERT": pki.serverCertificate, "RELAY_DR_TLS_KEY": encrypted]))
                #expect(locked.setting == "RELAY_DR_TLS_KEY")
                #expect(locked.reason.contains("\(encrypted) is an encrypted private key"), "\(locked)")

                let mismatch = try #require(error(["RELAY_DR_TLS_CLIENT_CERT": pki.clientCertificate, "RELAY_DR_TLS_CLIENT_KEY": pki.serverKey]))
                #expect(mismatch == ConfigurationError(
                    setting: "RELAY_DR_TLS_CLIENT_KEY",
                    reason: "the private key in \(pki.serverKey) does not match the certificate in \(pki.clientCertificate) (RELAY_DR_TLS_CLIENT_CERT)"))
            }
        }
    }

    @Test func anExpiredCertificateIsRefused() throws {
        try TestPKI.with { pki in
            let later = Date().addingTimeInterval(10 * 86400)
            do throws(ConfigurationError) {
                _ = try DRTLS.fromEnvironment(["RELAY_DR_TLS_CERT": pki.serverCertificate, "RELAY_DR_TLS_KEY": pki.serverKey], now: later)
                Issue.record("an expired certificate was accepted")
            } catch {
                #expect(error.setting == "RELAY_DR_TLS_CERT")
                #expect(error.reason.hasPrefix("the certificate in \(pki.serverCertificate) expired on 20"), "\(error)")
            }
        }
    }

    @Test func tlsSettingsRefuseHTTPURLsThatWouldCarryTrafficInTheClear() throws {
        try TestPKI.with { pki in
            let me = region("a", "https://127.0.0.1:9001")
            let server = try DRTLS.fromEnvironment(["RELAY_DR_TLS_CERT": pki.serverCertificate, "RELAY_DR_TLS_KEY": pki.serverKey])
            try server.checkURLs(region: me, peers: [region("b", "http://127.0.0.1:9002")], directory: "regions")
            #expect(throws: ConfigurationError.self) {
                try server.checkURLs(region: region("a", "http://127.0.0.1:9001"), peers: [], directory: "regions")
            }
            let client = try DRTLS.fromEnvironment(["RELAY_DR_TLS_CA": pki.caCertificate])
            try client.checkURLs(region: region("a", "http://127.0.0.1:9001"), peers: [region("b", "https://127.0.0.1:9002")], directory: "regions")
            do throws(ConfigurationError) {
                try client.checkURLs(
                    region: me, peers: [region("b", "https://127.0.0.1:9002"), region("c", "http://127.0.0.1:9003")], directory: "regions")
                Issue.record("an http peer was accepted with client TLS settings")
            } catch {
                #expect(error.reason.contains("peer c's dr_url in regions is http://127.0.0.1:9003"), "\(error)")
            }
        }
    }

    @Test func theDaemonConfigurationReadsTheTLSSettingsAndChecksItsRegionFiles() throws {
        try TestPKI.with { pki in
            let local = Self.repoRoot + "/regions/local"
            let seed = try String(contentsOfFile: local + "/dev-keys/us-east-1-ledger.key", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try TemporaryDirectory.with(prefix: "relay-dr-tls-") { scratch in
                let https = scratch.path
                for name in try FileManager.default.contentsOfDirectory(atPath: local) where name.hasSuffix(".yaml") {
                    try String(contentsOfFile: local + "/" + name, encoding: .utf8)
                        .replacingOccurrences(of: "dr_url: http://", with: "dr_url: https://")
                        .write(toFile: https + "/" + name, atomically: true, encoding: .utf8)
                }
                var environment = [
                    "RELAY_REGION": "us-east-1", "RELAY_REGIONS_DIR": https, "RELAY_LEDGER_KEY": "env:DEV_LEDGER_SEED", "DEV_LEDGER_SEED": seed,
                    "RELAY_DR_TLS_CERT": pki.serverCertificate, "RELAY_DR_TLS_KEY": pki.serverKey, "RELAY_DR_TLS_CLIENT_CA": pki.caCertificate,
                    "RELAY_DR_TLS_CA": pki.caCertificate, "RELAY_DR_TLS_CLIENT_CERT": pki.clientCertificate,
                    "RELAY_DR_TLS_CLIENT_KEY": pki.clientKey,
                ]
                let config = try DRConfiguration.fromEnvironment(environment)
                #expect(config.tls.serverMode == "mutual")
                #expect(config.tls.clientConfigured)
                // Without any TLS setting the plain region files still load as before.
                let plain = try DRConfiguration.fromEnvironment(environment.filter { !$0.key.hasPrefix("RELAY_DR_TLS_") }.merging(["RELAY_REGIONS_DIR": local]) { $1 })
                #expect(plain.tls.server == nil)
                // TLS settings with the http region files: refused, naming the URL.
                environment["RELAY_REGIONS_DIR"] = local
                do throws(ConfigurationError) {
                    _ = try DRConfiguration.fromEnvironment(environment)
                    Issue.record("a TLS port behind an http dr_url was accepted")
                } catch {
                    #expect(error.setting == "RELAY_DR_TLS_CERT")
                    #expect(error.reason.contains("dr_url in \(local) is http://127.0.0.1:9081"), "\(error)")
                }
            }
        }
    }
}
