import HTTPTypes
import Foundation
import HummingbirdTesting
import LookoutCore
@testable import LookoutGateway
import LookoutTestSupport
import Testing

/// `/openapi.json` lists exactly the routes the router has: a route added without its
/// documentation, or documentation left behind by a removed route, fails here.
@Suite struct OpenAPICoverageTests {
    @Test func theDocumentListsEveryRegisteredRouteAndNothingElse() async throws {
        try await withAPI { api async throws in
            let response = try await api.call(.get, "/openapi.json")
            #expect(response.status == .ok)
            let document = response.json
            #expect(document["openapi"] as? String == "3.1.0")
            var documented: Set<String> = []
            for (path, value) in document.object("paths") {
                for method in (value as? [String: Any] ?? [:]).keys { documented.insert("\(method.uppercased()) \(path)") }
            }
            let registered = Set(api.table.declared.map { "\($0.method.rawValue) \($0.path)" })
            #expect(registered.count > 25)
            #expect(registered.subtracting(documented).sorted() == [], "registered but not documented")
            #expect(documented.subtracting(registered).sorted() == [], "documented but not registered")
        }
    }

    /// The document's access for each operation is the route's declared access: open operations
    /// have no security, viewer and admin ones document 401, and only admin ones 403.
    @Test func theDocumentedAccessIsTheDeclaredAccess() async throws {
        try await withAPI { api async throws in
            let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json)) as? [String: Any])
            let paths = document.object("paths")
            for rule in api.table.declared {
                let operation = paths.object(rule.path).object(rule.method.rawValue.lowercased())
                let responses = operation.object("responses")
                let open = (operation["security"] as? [Any])?.isEmpty == true
                #expect(open == (rule.access == .open), "\(rule.method) \(rule.path): security")
                if !RouteAccessTests.refuseByThemselves.contains("\(rule.method) \(rule.path)") {
                    #expect((responses["401"] != nil) == (rule.access != .open), "\(rule.method) \(rule.path): 401")
                }
                #expect((responses["403"] != nil) == (rule.access == .admin), "\(rule.method) \(rule.path): 403")
            }
        }
    }

    /// The document's bounds of an API key's `expiresAt` move with the clock; both ends are accepted.
    @Test func theDocumentedExpiryBoundsAreAccepted() async throws {
        try await withAPI { api async throws in
            let schemas = try await api.call(.get, "/openapi.json").json.object("components").object("schemas")
            let expiresAt = schemas.object("APIKeyInput").object("properties").object("expiresAt")
            let bounds = try [#require(expiresAt.int("minimum")), #require(expiresAt.int("maximum"))]
            #expect(bounds[0] > unixMillis() && bounds[0] < bounds[1])
            for bound in bounds {
                let created = try await api.admin(.post, "/api/apikey", json: #"{"name":"bound","role":"viewer","expiresAt":\#(bound)}"#)
                #expect(created.status == .created, "\(bound): \(created.text)")
            }
        }
    }

    @Test func everyOperationDocumentsItsErrorsAndEveryReferenceResolves() async throws {
        let data = Data(OpenAPIDocument.json)
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let components = document.object("components")
        for (path, value) in document.object("paths") {
            for (method, operation) in value as? [String: Any] ?? [:] {
                let operation = operation as? [String: Any] ?? [:]
                let responses = operation.object("responses")
                #expect(!responses.isEmpty, "\(method) \(path)")
                guard path.hasPrefix("/api/") else { continue }
                #expect(responses["401"] != nil && responses["429"] != nil, "\(method) \(path): auth errors")
                if method != "get", !RouteAccessTests.viewerWrites.contains("\(method.uppercased()) \(path)") {
                    #expect(responses["403"] != nil, "\(method) \(path): viewer writing")
                }
                if operation["requestBody"] != nil { #expect(responses["400"] != nil && responses["413"] != nil, "\(method) \(path)") }
            }
        }
        // Every $ref points at something that exists.
        let text = String(decoding: data, as: UTF8.self)
        let references = text.matches(of: /"\$ref":"#\/components\/(\w+)\/(\w+)"/).map { (String($0.1), String($0.2)) }
        #expect(!references.isEmpty)
        for (section, name) in references {
            #expect(components.object(section)[name] != nil, "#/components/\(section)/\(name)")
        }
        // Every error code the API uses is in the error schema.
        let codes = components.object("schemas").object("Error").object("properties").object("error").object("properties").object("code")
        #expect((codes["enum"] as? [String]).map(Set.init) == Set(APIError.codes.map(\.code)))
    }
}
