import Foundation
import HTTPTypes
import HummingbirdTesting
import LookoutCore
import LookoutTestSupport
import Testing

/// Stream URLs (RTMP), NVR tokens, their hashes and API keys never appear in a response, other
/// than the new token in the one response that creates or rotates it, nor in any log line.
@Suite struct SecretsTests {
    @Test func noSecretInAnyResponseOrLogLine() async throws {
        try await withAPI { api async throws in
            let created = try await api.admin(.post, "/api/nvr", json: #"{"hostname":"secret-nvr","cameras":2}"#).json
            let id = try #require(created.object("nvr").int("id"))
            let token = try #require(created["token"] as? String)
            let rotated = try #require(try await api.admin(.post, "/api/nvr/\(id)/token").json["token"] as? String)
            _ = try await api.database.query(
                """
                UPDATE cameras SET stream_url = 'rtmp://fake-hik.example/live/SECRETSTREAM?expire=1', stream_expires_at = now() + interval '7 days',
                    pending_stream_url = 'rtmp://fake-hik.example/live/SECRETPENDING', pending_stream_expires_at = now() + interval '8 days',
                    renewal_state = 'failed', renewal_attempts = 3,
                    renewal_last_error = 'timeout while opening rtmp://fake-hik.example/live/SECRETERROR?t=abc'
                """)
            let cameraID = try #require(try await api.viewer(.get, "/api/camera").json.objects("cameras").first?.int("id"))
            let secrets = [
                token, rotated, SecretHash.sha256Hex(token), SecretHash.sha256Hex(rotated), api.viewerKey, api.adminKey,
                SecretHash.sha256Hex(api.viewerKey), "rtmp://", "SECRETSTREAM", "SECRETPENDING", "SECRETERROR", LookoutSystem.playbackSecret,
            ]
            var bodies: [String] = []
            for path in [
                "/api/nvr", "/api/nvr/\(id)", "/api/nvr/\(id)/sessions", "/api/camera", "/api/camera/\(cameraID)", "/api/camera/\(cameraID)/live",
                "/api/camera/\(cameraID)/snapshot", "/api/stats", "/openapi.json", "/metrics", "/", "/dashboard.js",
            ] {
                bodies.append(try await api.viewer(.get, path).text)
            }
            bodies.append(try await api.admin(.put, "/api/camera/\(cameraID)", json: #"{"name":"renamed"}"#).text)
            bodies.append(try await api.admin(.put, "/api/nvr/\(id)", json: #"{"name":"renamed"}"#).text)
            bodies.append(try await api.call(.get, "/api/nvr", key: token).text)
            let camera = try await api.viewer(.get, "/api/camera/\(cameraID)").json.object("camera")
            #expect(camera["hasStream"] as? Bool == true)
            #expect(camera["hasPendingStream"] as? Bool == true)
            #expect((camera["renewalLastError"] as? String)?.contains("[redacted]") == true)
            for body in bodies {
                for secret in secrets { #expect(!body.contains(secret), "a response holds \(secret.prefix(12))…") }
            }
            let logs = api.logs.all.joined(separator: "\n")
            #expect(!logs.isEmpty)
            for secret in secrets { #expect(!logs.contains(secret), "a log line holds \(secret.prefix(12))…") }
        }
    }
}
