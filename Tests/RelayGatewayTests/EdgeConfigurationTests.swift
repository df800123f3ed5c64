import RelayCore
import RelayGateway
import Testing

/// The edge settings: defaults, parsing and one-line errors naming the variable.
struct EdgeConfigurationTests {
    private func env(_ extra: [String: String]) -> [String: String] {
        ["RELAY_PRIVATE_KEY": Base64.encode(SigningKey.generate().seed), "RELAY_JWT_SECRET": String(repeating: "k", count: 32)]
            .merging(extra) { _, new in new }
    }

    private func error(_ extra: [String: String]) -> ConfigurationError? {
        do {
            _ = try GatewayConfiguration.fromEnvironment(env(extra))
            return nil
        } catch {
            return error
        }
    }

    @Test func defaultsAreRateLimitedWithoutCORSAndWithTextLogs() throws {
        let config = try GatewayConfiguration.fromEnvironment(env([:]))
        #expect(config.rateLimitRPS == 100)
        #expect(config.rateLimitBurst == 200)
        #expect(config.corsOrigins == nil)
        #expect(config.logFormat == .text)
    }

    @Test func edgeSettingsAreRead() throws {
        let config = try GatewayConfiguration.fromEnvironment(
            env([
                "RELAY_RATE_LIMIT_RPS": "2.5", "RELAY_RATE_LIMIT_BURST": "10", "RELAY_LOG_FORMAT": "JSON",
                "RELAY_CORS_ORIGINS": "https://a.example.com, http://localhost:3000",
            ]))
        #expect(config.rateLimitRPS == 2.5)
        #expect(config.rateLimitBurst == 10)
        #expect(config.logFormat == .json)
        #expect(config.corsOrigins == .list(["https://a.example.com", "http://localhost:3000"]))
        #expect(try GatewayConfiguration.fromEnvironment(env(["RELAY_CORS_ORIGINS": "*"])).corsOrigins == .any)
        #expect(try GatewayConfiguration.fromEnvironment(env(["RELAY_RATE_LIMIT_RPS": "0"])).rateLimitRPS == 0)
    }

    @Test func badValuesStopStartUpNamingTheVariable() {
        let cases: [(String, String)] = [
            ("RELAY_RATE_LIMIT_RPS", "fast"), ("RELAY_RATE_LIMIT_RPS", "-1"), ("RELAY_RATE_LIMIT_RPS", "nan"),
            ("RELAY_RATE_LIMIT_BURST", "0"), ("RELAY_RATE_LIMIT_BURST", "1.5"),
            ("RELAY_LOG_FORMAT", "xml"),
            ("RELAY_CORS_ORIGINS", "app.example.com"), ("RELAY_CORS_ORIGINS", "https://a.example.com/"),
            ("RELAY_CORS_ORIGINS", "*, https://a.example.com"), ("RELAY_CORS_ORIGINS", " , "),
            ("RELAY_CORS_ORIGINS", "ftp://a.example.com"),
        ]
        for (name, value) in cases {
            let e = error([name: value])
            #expect(e?.setting == name, "\(name)=\(value)")
            #expect(e.map { !"\($0)".contains("\n") } == true)
        }
        #expect(error(["RELAY_LOG_FORMAT": "xml"])?.description == "RELAY_LOG_FORMAT: must be one of text, json (got 'xml')")
    }
}
