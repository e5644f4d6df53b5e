import Foundation
import LookoutTestSupport
import Testing

/// The issue-11 attack, from outside, on a gateway process: key-less requests whose paths are
/// sent byte for byte as written (what `curl --path-as-is` does), through the real HTTP parser.
@Suite(.serialized) struct PathSpellingTests {
    @Test func keylessSpellingsOfAdminRoutesAreRefusedByARunningGateway() async throws {
        let system = try await LookoutSystem.start()
        try await withTeardown({ await system.shutdown() }) {
            let (_, port) = try await system.startGateway()
            let create = #"{"hostname":"intruder"}"#
            for path in ["//api/nvr", "///api/nvr", "/api//nvr", "/api/nvr/", "/./api/nvr", "/x/../api/nvr", "/api%2Fnvr", "/api/%2e/nvr"] {
                let post = try await rawHTTP(
                    port: port,
                    "POST \(path) HTTP/1.1\nHost: gw\nConnection: close\nContent-Type: application/json\nContent-Length: \(create.utf8.count)\n\n\(create)")
                #expect(post.hasPrefix("HTTP/1.1 400"), "POST \(path): \(post.prefix(300))")
                #expect(post.contains(#""code":"invalid_path""#), "POST \(path)")
                let get = try await rawHTTP(port: port, "GET \(path) HTTP/1.1\nHost: gw\nConnection: close\n\n")
                #expect(get.hasPrefix("HTTP/1.1 400"), "GET \(path): \(get.prefix(300))")
            }
            let canonical = try await rawHTTP(port: port, "GET /api/nvr HTTP/1.1\nHost: gw\nConnection: close\n\n")
            #expect(canonical.hasPrefix("HTTP/1.1 401"), "\(canonical.prefix(300))")
            let wrongMethod = try await rawHTTP(port: port, "PATCH /api/nvr HTTP/1.1\nHost: gw\nConnection: close\n\n")
            #expect(wrongMethod.hasPrefix("HTTP/1.1 405"), "\(wrongMethod.prefix(300))")
            #expect(wrongMethod.lowercased().contains("allow: get, head, post, options"))
            // Nothing was created, whatever the spelling.
            #expect(try await system.database.query("SELECT count(*) FROM nvrs WHERE hostname = 'intruder'") == "0")
        }
    }
}
