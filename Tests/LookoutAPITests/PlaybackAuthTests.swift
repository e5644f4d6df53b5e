import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import LookoutStore
import LookoutTestSupport
import Testing

/// `POST /mediamtx/auth`, MediaMTX's `authHTTPAddress`, in the gateway's router: a reader gets in
/// only with a credential from `/live` for exactly that path whose API key is not revoked;
/// publish, api, metrics and pprof only from loopback; every refusal is the same empty 401.
@Suite struct PlaybackAuthTests {
    @Test func mediamtxLetsAReaderInOnlyWithACredentialForThatPath() async throws {
        try await withAPI { api async throws in
            let dock = try #require(try await api.admin(.post, "/api/camera", json: #"{"name":"Dock","mediamtxPath":"pb-dock"}"#).json.object("camera").int("id"))
            _ = try await api.admin(.post, "/api/camera", json: #"{"name":"Gate","mediamtxPath":"pb-gate"}"#)
            _ = try await api.database.query(TestStreams.give)
            let url = try #require(try await api.viewer(.get, "/api/camera/\(dock)/live").json["hlsUrl"] as? String)
            let token = try #require(URLComponents(string: url)?.queryItems?.first { $0.name == "token" }?.value)

            func ask(_ fields: [String: String]) async throws -> TestResponse {
                var request = ["ip": "203.0.113.9", "user": "", "password": "", "token": "", "protocol": "hls", "id": "", "query": "", "userAgent": "t"]
                request.merge(fields) { $1 }
                let body = String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self)
                return try await api.call(.post, "/mediamtx/auth", json: body)
            }
            // MediaMTX sends the query without cookieCheck; the credential in query, Bearer or password.
            #expect(try await ask(["action": "read", "path": "pb-dock", "query": "token=\(token)"]).status == .noContent)
            #expect(try await ask(["action": "read", "path": "pb-dock", "token": token]).status == .noContent)
            #expect(try await ask(["action": "read", "path": "pb-dock", "password": token]).status == .noContent)
            #expect(try await ask(["action": "playback", "path": "pb-dock", "query": "token=\(token)"]).status == .noContent)

            var refusals: [TestResponse] = []
            refusals.append(try await ask(["action": "read", "path": "pb-gate", "query": "token=\(token)"]))  // another path
            refusals.append(try await ask(["action": "read", "path": "pb-dock"]))  // none
            refusals.append(try await ask(["action": "read", "path": "pb-dock", "query": "token=\(token)x"]))  // tampered
            refusals.append(try await ask(["action": "read", "path": "pb-dock", "query": "token=\(token)&token=\(token)"]))  // ambiguous
            refusals.append(try await ask(["action": "publish", "path": "pb-dock", "query": "token=\(token)"]))  // not loopback
            refusals.append(try await ask(["action": "api", "path": ""]))
            refusals.append(try await ask(["action": "teleport", "path": "pb-dock", "ip": "127.0.0.1", "query": "token=\(token)"]))
            refusals.append(try await api.call(.post, "/mediamtx/auth", json: "not json"))
            for refusal in refusals {
                #expect(refusal.status == .unauthorized)
                #expect(refusal.body.readableBytes == 0, "a refusal says nothing")
            }
            for action in ["publish", "api", "metrics", "pprof"] {
                #expect(try await ask(["action": action, "path": "", "ip": "127.0.0.1"]).status == .noContent, "\(action) from loopback")
                #expect(try await ask(["action": action, "path": "", "ip": "::1"]).status == .noContent)
            }

            // Revoking the viewer key stops new playback with its credentials at once.
            #expect(try await PostgresAPIKeyRepository(client: api.postgres).revoke(key: api.viewerKey))
            #expect(try await ask(["action": "read", "path": "pb-dock", "query": "token=\(token)"]).status == .unauthorized)
            let logs = api.logs.all.joined(separator: "\n")
            #expect(logs.contains("API key revoked"))
            #expect(!logs.contains(token), "credentials never reach the log")
        }
    }
}
