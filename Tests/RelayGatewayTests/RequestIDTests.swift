import Hummingbird
import RelayCore
import RelayGateway
import Testing

struct RequestIDTests {
    @Test func validIncomingIDsAreKeptAndAnythingElseIsRefused() {
        #expect(RequestID.sanitized("abc-DEF_123.x") == "abc-DEF_123.x")
        #expect(RequestID.sanitized(String(repeating: "a", count: 128)) == String(repeating: "a", count: 128))
        #expect(RequestID.sanitized(String(repeating: "a", count: 129)) == nil)
        #expect(RequestID.sanitized(nil) == nil)
        #expect(RequestID.sanitized("") == nil)
        for bad in ["has space", "new\nline", "semi;colon", "quote\"", "slash/", "ünïcode", "a,b", "tab\t", "{json}"] {
            #expect(RequestID.sanitized(bad) == nil, "\(bad)")
        }
    }

    @Test func generatedIDsAreUniqueAndValid() {
        let ids = (0..<100).map { _ in RequestID.generate() }
        #expect(Set(ids).count == 100)
        #expect(ids.allSatisfy { RequestID.sanitized($0) == $0 })
    }

    @Test func anIncomingIDIsEchoedOnSuccessAndOnErrors() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            let ok = try await http.send(.get, "/health", headers: [.requestID: "client-req.1"])
            #expect(ok.status == 200)
            #expect(ok.headers[.requestID] == "client-req.1")

            let notFound = try await http.send(.get, "/nowhere", headers: [.requestID: "client-req.2"])
            #expect(notFound.status == 404)
            #expect(notFound.headers[.requestID] == "client-req.2")

            let invalid = try await http.send(.post, "/v1/manifest/validate", headers: [.requestID: "client-req.3"], body: ["manifest": [:]])
            #expect(invalid.status == 422)
            #expect(invalid.headers[.requestID] == "client-req.3")

            let unknownSeal = try await http.send(.get, "/v1/seal/verify?seal_id=nope", headers: [.requestID: "client-req.4"])
            #expect(unknownSeal.status == 404)
            #expect(unknownSeal.headers[.requestID] == "client-req.4")
        }
    }

    @Test func aMissingOrUnsafeIDIsReplacedByAGeneratedOne() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            let none = try await http.send(.get, "/health")
            let generated = try #require(none.headers[.requestID])
            #expect(RequestID.sanitized(generated) == generated)
            #expect(generated.count == 36)

            let unsafe = try await http.send(.get, "/nowhere", headers: [.requestID: "evil id\" injected=1"])
            #expect(unsafe.status == 404)
            let replaced = try #require(unsafe.headers[.requestID])
            #expect(replaced != generated)
            #expect(RequestID.sanitized(replaced) == replaced)

            let tooLong = try await http.send(.get, "/health", headers: [.requestID: String(repeating: "x", count: 129)])
            #expect(tooLong.headers[.requestID]?.count == 36)
        }
    }
}
