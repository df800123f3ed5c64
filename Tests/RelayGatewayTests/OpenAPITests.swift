import Hummingbird
import RelayCore
import RelayGateway
import Testing

struct OpenAPITests {
    /// `METHOD /path` for every operation in the document.
    private func documented() throws -> Set<String> {
        let doc = try JSONParser.parse(OpenAPIDocument.bytes)
        #expect(doc["openapi"]?.stringValue?.hasPrefix("3.1") == true)
        var out: Set<String> = []
        for (path, item) in doc["paths"]?.objectValue ?? [:] {
            for method in (item.objectValue ?? [:]).keys where ["get", "post", "put", "delete", "patch"].contains(method) {
                out.insert("\(method.uppercased()) \(path)")
            }
        }
        return out
    }

    @Test func everyServedRouteIsDocumentedAndEveryDocumentedRouteIsServed() async throws {
        let gw = try await TestGateway.make()
        let served = Set(Gateway.router(services: gw.services).routes.map { route in
            // Hummingbird prints path parameters as `{name}` too; normalise the leading slash.
            let path = "\(route.path)"
            return "\(route.method) \(path.hasPrefix("/") ? path : "/" + path)"
        })
        let documented = try documented()
        #expect(served.subtracting(documented).isEmpty, "served but not documented: \(served.subtracting(documented).sorted())")
        #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
    }

    @Test func theDocumentIsServed() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            let r = try await http.request(.get, "/openapi.json")
            #expect(r.status == 200)
            #expect(r.json["info"]?["title"] == "Relay Gateway API")
        }
    }
}
