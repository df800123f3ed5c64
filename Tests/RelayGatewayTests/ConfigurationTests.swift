import RelayCore
import RelayGateway
import Testing

struct ConfigurationTests {
    private let base: [String: String] = [
        "RELAY_PRIVATE_KEY": "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=",
        "RELAY_JWT_SECRET": String(repeating: "s", count: 32),
    ]

    private func error(_ changes: [String: String?]) -> ConfigurationError? {
        var env = base
        for (k, v) in changes { env[k] = v }
        do {
            _ = try GatewayConfiguration.fromEnvironment(env)
            return nil
        } catch {
            return error
        }
    }

    @Test func defaultsWorkLocally() throws {
        let c = try GatewayConfiguration.fromEnvironment(base)
        #expect(c.region == "local")
        #expect(c.database.port == 5432)
        #expect(c.sealTTLMinutes == 5)
        #expect(c.authRequired)
        #expect(c.jwtExpiryHours == 24)
    }

    @Test(arguments: [
        ("RELAY_PRIVATE_KEY", nil as String?, "RELAY_PRIVATE_KEY"),
        ("RELAY_PRIVATE_KEY", "not base64!", "RELAY_PRIVATE_KEY"),
        ("RELAY_PRIVATE_KEY", "AAAA", "RELAY_PRIVATE_KEY"),
        ("RELAY_JWT_SECRET", nil, "RELAY_JWT_SECRET"),
        ("RELAY_JWT_SECRET", "short", "RELAY_JWT_SECRET"),
        ("RELAY_SEAL_TTL_MINUTES", "0", "RELAY_SEAL_TTL_MINUTES"),
        ("RELAY_SEAL_TTL_MINUTES", "five", "RELAY_SEAL_TTL_MINUTES"),
        ("RELAY_DB_PORT", "70000", "RELAY_DB_PORT"),
        ("RELAY_AUTH_REQUIRED", "maybe", "RELAY_AUTH_REQUIRED"),
        ("RELAY_REGION", "US East", "RELAY_REGION"),
    ])
    func aMissingOrInvalidSettingIsNamed(name: String, value: String?, setting: String) {
        let e = error([name: value])
        #expect(e?.setting == setting)
        #expect(e?.description.hasPrefix(setting + ": ") == true)
    }

    @Test func errorsNeverEchoSecrets() {
        let secretish = "c2VjcmV0LXNlY3JldC1zZWNyZXQ="  // valid base64, wrong length
        #expect(error(["RELAY_PRIVATE_KEY": secretish])?.description.contains(secretish) == false)
        #expect(error(["RELAY_JWT_SECRET": "tiny-secret"])?.description.contains("tiny-secret") == false)
    }
}
