import Foundation
import RelayCore
import RelayLocal
@testable import RelayPolicy
import RelayTestSupport
import Testing

/// `relay-gateway policy bundle`: an archive GNU tar and gzip read, whose `.manifest` names the
/// policy version and whose modules, loaded into the real OPA engine, decide like the builtin one.
struct OPABundleTests {
    @Test func theBundleUnpacksWithTarAndItsRegoDecidesLikeTheBuiltinEngine() async throws {
        let policies = try PolicySet.load(directory: PolicyFixtures.shippedPolicyDirectory)
        let bundle = OPABundle(policies: policies)
        #expect(bundle.archive == OPABundle(policies: policies).archive, "the same policies give the same bytes")
        try await TemporaryDirectory.with(prefix: "relay-opa-bundle-") { dir in
            let file = dir.path("bundle.tar.gz")
            try Data(bundle.archive).write(to: URL(fileURLWithPath: file))
            #expect(try await ChildProcess.run("/usr/bin/env", ["gzip", "-t", file]).status == 0)
            let untar = try await ChildProcess.run("/usr/bin/env", ["tar", "-xzf", file, "-C", dir.path])
            #expect(untar.status == 0, "\(untar.stderr)")
            let manifest = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: dir.path(".manifest")))))
            #expect(manifest["revision"] == .string(policies.version) && manifest["roots"] == ["relay"], "\(manifest)")
            let unpacked = try [("relay/policies/main.rego", RegoCompiler.mainPackage), ("relay/metadata.rego", RegoCompiler.metadataPackage)].map {
                RegoModule(id: $0.1, package: $0.1, text: try String(contentsOfFile: dir.path($0.0), encoding: .utf8))
            }
            var generator = RandomPolicies(seed: 7)
            let inputs = (0..<60).map { generator.input(for: policies, index: $0) }
            try await OPATestServer.with { server, engine in
                try await OPAPolicyPublisher(url: server.url).push(unpacked)
                #expect(try await engine.policyVersion() == policies.version)
                let builtin = BuiltinPolicyEngine(policies: policies)
                for input in inputs {
                    let (opa, expected) = (try await engine.evaluate(input), try await builtin.evaluate(input))
                    #expect(opa == expected, "\(input)")
                }
            }
        }
    }

    @Test func tarHeadersAndGzipTrailerFollowTheFormats() {
        let tar = TarGzip.tar([.init(path: "a.txt", bytes: Array("hello".utf8))])
        #expect(tar.count == 512 + 512 + 1024)
        // The checksum field holds the sum of the header with that field read as spaces.
        var header = Array(tar[0..<512])
        let stored = Int(String(decoding: header[148..<154], as: UTF8.self), radix: 8)
        for i in 148..<156 { header[i] = 0x20 }
        #expect(stored == header.reduce(0) { $0 + Int($1) })
        #expect(TarGzip.crc32(Array("123456789".utf8)) == 0xcbf4_3926)
        let big = [UInt8](repeating: 7, count: 200_000)
        let gz = TarGzip.gzip(big)
        #expect(gz.count == 10 + 4 * 5 + 200_000 + 8, "four stored blocks of ≤ 65,535 bytes, each with a 5-byte head")
    }
}
