import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import LookoutGateway
import LookoutTestSupport
import Testing

/// Authorization decided on the route that matched, deny by default (issue 11, item 1): every
/// route declares its access; every spelling of every route × no key / viewer / admin; 405 with
/// `Allow` on a known path.
@Suite struct RouteAccessTests {
    /// The access each route must have. A new route must be added here, on purpose.
    static let expected: [String: RouteAccess] = [
        "GET /": .open, "GET /dashboard.js": .open, "GET /dashboard.css": .open, "GET /healthz": .open, "GET /readyz": .open,
        "GET /metrics": .open, "GET /openapi.json": .open, "GET /ws": .open,
        "GET /api/stats": .viewer,
        "GET /api/nvr": .viewer, "GET /api/nvr/{id}": .viewer, "GET /api/nvr/{id}/sessions": .viewer,
        "POST /api/nvr": .admin, "PUT /api/nvr/{id}": .admin, "DELETE /api/nvr/{id}": .admin, "POST /api/nvr/{id}/token": .admin,
        "GET /api/camera": .viewer, "GET /api/camera/{id}": .viewer, "GET /api/camera/{id}/live": .viewer,
        "GET /api/camera/{id}/snapshot": .viewer,
        "POST /api/camera": .admin, "PUT /api/camera/{id}": .admin, "DELETE /api/camera/{id}": .admin,
        "POST /api/hikvision/initialize": .admin, "POST /api/hikvision/renew": .admin,
        "GET /api/renewals/dead": .viewer, "POST /api/renewals/dead/retry": .admin, "POST /api/renewals/dead/{cameraId}/retry": .admin,
        "GET /api/dead": .admin, "POST /api/dead/replay": .admin,
        "GET /api/apikey": .admin, "POST /api/apikey": .admin, "DELETE /api/apikey/{id}": .admin, "POST /mediamtx/auth": .open,
        "GET /api/alerts": .viewer, "POST /api/alerts/{id}/ack": .viewer,
    ]

    /// Writes a viewer key may make, on purpose: acknowledging an alert (the dashboard's operator
    /// holds a viewer key; it records who and when and changes nothing else).
    static let viewerWrites: Set<String> = ["POST /api/alerts/{id}/ack"]

    /// Open routes whose own answer to a refused request is 401 (not the API-key check):
    /// MediaMTX's auth hook refuses a playback credential with an empty 401.
    static let refuseByThemselves: Set<String> = ["POST /mediamtx/auth"]

    @Test func everyRouteTheRouterAnswersHasADeclaredAccess() async throws {
        try await withAPI { api async throws in
            // Hummingbird's own list of routes: one added with router.get(…) directly has no entry.
            for route in api.routes {
                let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
                let method = try #require(HTTPRequest.Method(parts[0]))
                #expect(api.table.access(method: method, endpointPath: parts[1]) != nil, "\(route) has no declared access")
            }
            let declared = Dictionary(uniqueKeysWithValues: api.table.declared.map { ("\($0.method.rawValue) \($0.path)", $0.access) })
            #expect(declared == Self.expected)
        }
    }

    @Test func aRouteAddedWithoutAnAccessIsRefused() async throws {
        try await withAPI { api async throws in
            // The table is the gate: a route the router knows but the table does not is denied.
            #expect(api.table.access(method: .get, endpointPath: "/api/undeclared") == nil)
            #expect(api.table.access(method: .patch, endpointPath: "/api/nvr") == .open, "405 answers are open")
        }
    }

    /// Spellings of a canonical path that must all be refused with 400, never routed.
    static func variants(of path: String) -> [String] {
        let tail = path.dropFirst()
        var spellings = ["/" + path, "//" + path, path + "/", path + "//", "/./" + tail, "/api/../" + tail, path + "/.", path + "/..",
            "/" + tail.replacingOccurrences(of: "/", with: "//")]
        if let slash = tail.firstIndex(of: "/") {
            spellings.append("/" + tail[..<slash] + "%2F" + tail[tail.index(after: slash)...])
            spellings.append("/" + tail[..<slash] + "%2f" + tail[tail.index(after: slash)...])
            spellings.append("/" + tail[..<slash] + "/%2e/" + tail[tail.index(after: slash)...])
            spellings.append("/" + tail[..<slash] + "\\" + tail[tail.index(after: slash)...])
        }
        return spellings.filter { $0 != path }
    }

    @Test func everySpellingOfEveryRouteWithEveryKey() async throws {
        try await withAPI { api async throws in
            var checked = 0
            for rule in api.table.declared {
                let path = rule.path.replacingOccurrences(of: "{id}", with: "1").replacingOccurrences(of: "{cameraId}", with: "1")
                let body = rule.method == .get ? nil : "{}"
                for (who, key) in [("no key", nil), ("viewer", api.viewerKey), ("admin", api.adminKey)] as [(String, String?)] {
                    for spelling in Self.variants(of: path) {
                        let response = try await api.call(rule.method, spelling, key: key, json: body)
                        #expect(response.status == .badRequest, "\(rule.method) \(spelling) with \(who): \(response.status)")
                        #expect(response.errorCode == "invalid_path", "\(rule.method) \(spelling) with \(who)")
                        checked += 1
                    }
                    let response = try await api.call(rule.method, path, key: key, json: body)
                    let status = response.status.code
                    switch (rule.access, who) {
                    case (.open, _) where Self.refuseByThemselves.contains("\(rule.method) \(rule.path)"):
                        #expect(response.headers[.wwwAuthenticate] == nil, "\(rule.method) \(path): not the API-key check")
                    case (.open, _), (.viewer, "viewer"), (_, "admin"):
                        #expect(status != 401 && status != 403, "\(rule.method) \(path) with \(who): \(status)")
                    case (.viewer, _), (.admin, "no key"):
                        #expect(status == 401, "\(rule.method) \(path) with \(who): \(status)")
                    case (.admin, _):
                        #expect(status == 403, "\(rule.method) \(path) with \(who): \(status)")
                    }
                    checked += 1
                }
            }
            print("route access: \(checked) requests over \(api.table.declared.count) routes")
        }
    }

    @Test func aWrongMethodOnAKnownPathAnswers405WithAllow() async throws {
        try await withAPI { api async throws in
            let patch = try await api.call(.patch, "/api/nvr")
            #expect(patch.status == .methodNotAllowed)
            #expect(patch.errorCode == "method_not_allowed")
            #expect(patch.headers[.allow] == "GET, HEAD, POST, OPTIONS")
            let delete = try await api.call(.delete, "/api/camera/7/live", key: api.adminKey)
            #expect(delete.status == .methodNotAllowed)
            #expect(delete.headers[.allow] == "GET, HEAD, OPTIONS")
            #expect(try await api.call(.post, "/healthz").headers[.allow] == "GET, HEAD, OPTIONS")
            #expect(try await api.call(.get, "/api/hikvision/renew").status == .methodNotAllowed)
            let options = try await api.call(.options, "/api/nvr/3")
            #expect(options.status == .noContent)
            #expect(options.headers[.allow] == "GET, HEAD, PUT, DELETE, OPTIONS")
            // HEAD follows GET's access.
            #expect(try await api.call(.head, "/api/nvr").status == .unauthorized)
            #expect(try await api.call(.head, "/api/nvr", key: api.viewerKey).status == .ok)
            // An unknown path is still 404.
            #expect(try await api.call(.get, "/api/nowhere", key: api.adminKey).status == .notFound)
        }
    }

    @Test func pathGuardRefusesAmbiguousSpellings() {
        for path in ["/", "/api/nvr", "/api/nvr/12", "/api/camera/3/live", "/dashboard.js", "/api/nvr/caf%C3%A9"] {
            #expect(PathGuardMiddleware.problem(in: path) == nil, "\(path)")
        }
        for path in ["", "api/nvr", "//api/nvr", "/api//nvr", "/api/nvr/", "/./api", "/api/..", "/api/%2e%2e/nvr", "/api%2Fnvr", "/api%5cnvr",
            "/api\\nvr", "/api/%zz", "/api/%C3", "/api/%00", "/api/.%2E"]
        {
            #expect(PathGuardMiddleware.problem(in: path) != nil, "\(path)")
        }
    }
}
