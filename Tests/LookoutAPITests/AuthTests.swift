import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import LookoutGateway
import LookoutStore
import LookoutTestSupport
import Testing

/// Keys and roles on every /api route, the failed-auth limit, CORS and security headers.
@Suite struct AuthTests {
    @Test func everyAPIRouteNeedsAKey() async throws {
        try await withAPI { api async throws in
            let apiRoutes = api.table.declared.filter { $0.path.hasPrefix("/api/") }
            #expect(apiRoutes.count >= 20)
            for route in apiRoutes {
                let path = route.path.replacingOccurrences(of: "{id}", with: "1").replacingOccurrences(of: "{cameraId}", with: "1")
                let method = route.method
                let none = try await api.call(method, path)
                #expect(none.status == .unauthorized, "\(route) without a key")
                #expect(none.errorCode == "unauthorized")
                #expect(none.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                let wrong = try await api.call(method, path, key: "lk_not-a-real-key")
                #expect(wrong.status == .unauthorized, "\(route) with a wrong key")
                // A viewer may write only what RouteAccessTests.viewerWrites names (acknowledging an alert).
                if method != .get, !RouteAccessTests.viewerWrites.contains("\(method.rawValue) \(route.path)") {
                    let viewer = try await api.call(method, path, key: api.viewerKey, json: "{}")
                    #expect(viewer.status == .forbidden, "\(route) with a viewer key")
                    #expect(viewer.errorCode == "forbidden")
                }
            }
        }
    }

    @Test func viewersReadAndAdminsWrite() async throws {
        try await withAPI { api async throws in
            #expect(try await api.viewer(.get, "/api/camera").status == .ok)
            #expect(try await api.viewer(.get, "/api/nvr").status == .ok)
            #expect(try await api.viewer(.get, "/api/stats").status == .ok)
            #expect(try await api.call(.post, "/api/nvr", key: api.viewerKey, json: #"{"hostname":"v"}"#).status == .forbidden)
            #expect(try await api.admin(.post, "/api/nvr", json: #"{"hostname":"a"}"#).status == .created)
            // The scheme is case-insensitive; anything but Bearer is no key at all.
            #expect(try await api.call(.get, "/api/nvr", headers: [.authorization: "bearer \(api.viewerKey)"]).status == .ok)
            #expect(try await api.call(.get, "/api/nvr", headers: [.authorization: "Basic \(api.viewerKey)"]).status == .unauthorized)
        }
    }

    @Test func aRevokedKeyIsRefused() async throws {
        try await withAPI { api async throws in
            #expect(try await api.viewer(.get, "/api/nvr").status == .ok)
            #expect(try await PostgresAPIKeyRepository(client: api.postgres).revoke(key: api.viewerKey))
            #expect(try await api.viewer(.get, "/api/nvr").status == .unauthorized)
        }
    }

    @Test func failedAttemptsAreRateLimitedPerAddress() async throws {
        try await withAPI(environment: ["LOOKOUT_AUTH_FAILURE_LIMIT": "3"]) { api async throws in
            for _ in 0..<3 {
                #expect(try await api.call(.get, "/api/nvr", key: "lk_guess").status == .unauthorized)
            }
            let limited = try await api.call(.get, "/api/nvr", key: "lk_guess")
            #expect(limited.status == .tooManyRequests)
            #expect(limited.errorCode == "rate_limited")
            let retryAfter = Int(limited.headers[.retryAfter] ?? "") ?? 0
            #expect(retryAfter > 0 && retryAfter <= 60)
            // Even a good key waits: a guesser learns nothing more.
            #expect(try await api.viewer(.get, "/api/nvr").status == .tooManyRequests)
            // Open routes are not limited.
            #expect(try await api.call(.get, "/healthz").status == .ok)
        }
    }

    @Test func securityHeadersOnPagesAPIAndErrors() async throws {
        try await withAPI { api async throws in
            for response in [try await api.call(.get, "/"), try await api.viewer(.get, "/api/nvr"), try await api.call(.get, "/nowhere")] {
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                let csp = response.headers[.contentSecurityPolicy] ?? ""
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(csp.contains("script-src 'self' https://cdn.jsdelivr.net"))
                #expect(csp.contains("connect-src 'self' http://media.test:8888"))
                #expect(!csp.contains("unsafe-inline"))
            }
            #expect(try await api.viewer(.get, "/api/nvr").headers[.cacheControl] == "no-store")
        }
    }

    /// hls.js comes from a CDN: the page pins its subresource-integrity hash, and the player sets it.
    @Test func theDashboardPinsHlsJsWithSubresourceIntegrity() async throws {
        try await withAPI { api async throws in
            let page = try await api.call(.get, "/").text
            #expect(page.contains(#"data-hls-integrity="sha384-V5ruNBgmYcC3SJRUQeNykAAAgde5gOFq/Hu0CZj7bygDP0yRIhkvX8+w0u/7mRvr""#))
            let script = try await api.call(.get, "/dashboard.js").text
            #expect(script.contains("script.integrity = document.body.dataset.hlsIntegrity"))
            #expect(script.contains("script.crossOrigin = 'anonymous'"))
        }
        try await withAPI(environment: ["LOOKOUT_HLS_JS_INTEGRITY": "none"]) { api async throws in
            #expect(try await api.call(.get, "/").text.contains(#"data-hls-integrity="""#))
        }
    }

    @Test func corsAllowsOnlyConfiguredOrigins() async throws {
        try await withAPI(environment: ["LOOKOUT_CORS_ORIGINS": "https://ops.example.com, http://localhost:3000"]) { api async throws in
            let preflight = try await api.call(
                .options, "/api/camera", headers: [.origin: "https://ops.example.com", .accessControlRequestMethod: "POST"])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == "https://ops.example.com")
            #expect(preflight.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
            let other = try await api.call(.options, "/api/camera", headers: [.origin: "https://evil.example", .accessControlRequestMethod: "GET"])
            #expect(other.headers[.accessControlAllowOrigin] == nil)
            let read = try await api.call(.get, "/api/camera", key: api.viewerKey, headers: [.origin: "http://localhost:3000"])
            #expect(read.status == .ok)
            #expect(read.headers[.accessControlAllowOrigin] == "http://localhost:3000")
            let refused = try await api.call(.get, "/api/camera", headers: [.origin: "http://localhost:3000"])
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[.accessControlAllowOrigin] == "http://localhost:3000", "errors carry CORS headers too")
        }
        try await withAPI { api async throws in
            let read = try await api.call(.get, "/api/camera", key: api.viewerKey, headers: [.origin: "https://ops.example.com"])
            #expect(read.headers[.accessControlAllowOrigin] == nil, "no origins configured: none allowed")
        }
    }
}
