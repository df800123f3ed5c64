import Foundation
import RelayCore
import Testing

/// Every bad input gets a clear error and changes nothing (row counts stay the same).
struct InputHygieneTests {
    /// Sends `raw` to validate and returns the reply; asserts nothing was written.
    private func send(_ gw: TestGateway, _ http: HTTPTestClient, raw: [UInt8]) async throws -> HTTPTestClient.Reply {
        let reply = try await http.request(.post, "/v1/manifest/validate", rawBody: raw)
        #expect(try await gw.rowCounts() == "0,0,0", "bad input wrote rows: \(reply.raw)")
        return reply
    }

    @Test(arguments: [
        "{", "not json", "{\"manifest\": }", "[1,2", "{\"a\":1}}", "", "{\"manifest\": {\"x\": NaN}}",
        "{\"a\": \"\\ud800\"}", "{\"a\":1,\"a\":2}",
    ])
    func malformedJSONIs422WithAClearMessage(body: String) async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            let r = try await send(gw, http, raw: Array(body.utf8))
            #expect(r.status == 422)
            let first = try #require(r.json["detail"]?.arrayValue?.first)
            #expect(first["type"] == "value_error.jsondecode")
            #expect(first["msg"]?.stringValue?.hasPrefix("Malformed JSON") == true)
        }
    }

    @Test func invalidUTF8Is422() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            let r = try await send(gw, http, raw: [0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])
            #expect(r.status == 422)
        }
    }

    @Test func schemaErrorsListEveryOffendingField() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            let body: JSONValue = [
                "manifest": [
                    "manifest_id": "not-a-uuid",
                    "timestamp": "yesterday",
                    "agent": ["agent_id": 42],
                    "action": ["provider": "stripe!", "method": "", "parameters": [1, 2]],
                    "justification": ["confidence_score": 1.5],
                    "environment": 7,
                ],
                "dry_run": "yes",
            ]
            let r = try await send(gw, http, raw: CanonicalJSON.bytes(body))
            #expect(r.status == 422)
            let locs = Set((r.json["detail"]?.arrayValue ?? []).compactMap { e in
                e["loc"]?.arrayValue?.compactMap(\.stringValue).joined(separator: ".")
            })
            let expected: Set<String> = [
                "body.dry_run", "body.manifest.manifest_id", "body.manifest.timestamp",
                "body.manifest.agent.agent_id", "body.manifest.agent.org_id",
                "body.manifest.action.provider", "body.manifest.action.method", "body.manifest.action.parameters",
                "body.manifest.justification.reasoning", "body.manifest.justification.confidence_score",
                "body.manifest.environment",
            ]
            #expect(locs == expected)
        }
    }

    @Test(arguments: [
        JSONValue.array([]), .string("manifest"), .number(1), .null, ["manifest": "x"], ["manifest": .null], [:],
    ])
    func wrongTopLevelShapesAre422(body: JSONValue) async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            let r = try await send(gw, http, raw: CanonicalJSON.bytes(body))
            #expect(r.status == 422)
            #expect(r.json["detail"]?.arrayValue?.isEmpty == false)
        }
    }

    @Test func nulCharactersAreRefusedNotAServerError() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            let m = sampleManifest(parameters: ["memo": "a\u{0}b"])
            let r = try await send(gw, http, raw: CanonicalJSON.bytes(["manifest": m]))
            #expect(r.status == 422)
            #expect(r.json["detail"]?.arrayValue?.first?["type"] == "value_error.str.nul")
        }
    }

    @Test func bodiesOverOneMebibyteAre413() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            let filler = String(repeating: "x", count: (1 << 20) + 10)
            let m = sampleManifest(parameters: ["memo": .string(filler)])
            let r = try await send(gw, http, raw: CanonicalJSON.bytes(["manifest": m]))
            #expect(r.status == 413)
            #expect(r.json["detail"]?.stringValue?.contains("limit") == true)
        }
    }

    @Test func unknownExtraFieldsAreTolerated() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            var m = try #require(sampleManifest().objectValue)
            m["future_field"] = ["anything": true]
            let r = try await http.request(.post, "/v1/manifest/validate", body: ["manifest": .object(m), "client": "sdk/1.2"])
            #expect(r.status == 200)
        }
        #expect(try await gw.rowCounts() == "1,1,0")
    }

    @Test(arguments: ["limit=0", "limit=1001", "limit=abc", "offset=-1", "offset=x", "approved_only=maybe"])
    func outOfRangeAuditParametersAre422(query: String) async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            let r = try await http.request(.get, "/v1/audit/query?\(query)")
            #expect(r.status == 422)
            let name = String(query.prefix { $0 != "=" })
            #expect(r.json["detail"]?.arrayValue?.first?["loc"] == ["query", .string(name)])
        }
    }

    @Test(arguments: [
        "/v1/audit/query?org_id=a%00b", "/v1/audit/stats?provider=%00", "/v1/seal/verify?seal_id=seal_x%00",
    ])
    func nulInAQueryParameterIs422(uri: String) async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            let r = try await http.request(.get, uri)
            #expect(r.status == 422)
            #expect(r.json["detail"]?.arrayValue?.first?["type"] == "value_error.str.nul")
            let x = try await http.request(.post, "/v1/seal/mark-executed?seal_id=a%00")
            #expect(x.status == 422)
        }
    }

    @Test func unknownRoutesAndMethodsGetJSONErrors() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            let r = try await http.request(.get, "/v1/nope")
            #expect(r.status == 404)
            #expect(r.json["detail"]?.stringValue != nil)
        }
    }
}
