import RelayPolicy
import Testing

/// Validation and normalisation of the OPA engine settings.
struct OPAConfigurationTests {
    @Test func defaultsAndNormalisation() throws {
        let configuration = try OPAConfiguration(url: " http://127.0.0.1:8181// ", policyPath: "/relay/policies/main/")
        #expect(configuration.url == "http://127.0.0.1:8181")
        #expect(configuration.policyPath == "relay/policies/main")
        #expect(configuration.timeout == .milliseconds(500))
        #expect(configuration.dataURL(configuration.policyPath) == "http://127.0.0.1:8181/v1/data/relay/policies/main")
        #expect(try OPAConfiguration(url: "https://opa.internal/prefix").url == "https://opa.internal/prefix")
    }

    @Test(arguments: ["127.0.0.1:8181", "ftp://x", "http://", "http://host?x=1", "http://host#f", "not a url", ""])
    func badURLsAreRejectedNamingTheURL(url: String) {
        #expect(throws: OPAConfigurationError.self) { try OPAConfiguration(url: url) }
        do {
            _ = try OPAConfiguration(url: url)
        } catch {
            #expect(error.setting == .url)
        }
    }

    @Test func credentialsInTheURLAreRejectedWithoutEchoingThem() {
        do {
            _ = try OPAConfiguration(url: "http://admin:s3cret@127.0.0.1:8181")
            Issue.record("accepted a URL with credentials")
        } catch {
            #expect(error.setting == .url)
            #expect(!error.description.contains("s3cret"))
        }
    }

    @Test(arguments: ["", "/", "relay/policies main", "relay/pölicies", "relay/../x", "a?b"])
    func badPolicyPathsAreRejected(path: String) {
        do {
            _ = try OPAConfiguration(url: "http://127.0.0.1:8181", policyPath: path)
            Issue.record("accepted policy path '\(path)'")
        } catch {
            #expect(error.setting == .policyPath)
        }
    }

    @Test func nonPositiveTimeoutIsRejected() {
        #expect(throws: OPAConfigurationError(setting: .timeout, reason: "must be positive")) {
            try OPAConfiguration(url: "http://127.0.0.1:8181", timeout: .zero)
        }
    }
}
