import Foundation
import HTTPTypes
import HummingbirdTesting
import LookoutCore
import LookoutTestSupport
import Testing

/// `/api/apikey`: admins list, create and revoke keys; a created key works at once, a revoked or
/// expired one fails at once; the key itself appears only in the response that creates it.
@Suite struct APIKeyRouteTests {
    @Test func adminsCreateListAndRevokeKeys() async throws {
        try await withAPI { api async throws in
            #expect(try await api.viewer(.get, "/api/apikey").status == .forbidden)
            let created = try await api.admin(.post, "/api/apikey", json: #"{"name":"wall screen","role":"viewer"}"#)
            #expect(created.status == .created, "\(created.text)")
            let key = try #require(created.json["key"] as? String)
            let id = try #require(created.json.object("apiKey").int("id"))
            #expect(created.json.object("apiKey")["role"] as? String == "viewer")
            #expect(try await api.call(.get, "/api/camera", key: key).status == .ok)
            #expect(try await api.call(.post, "/api/camera", key: key, json: #"{"name":"c"}"#).status == .forbidden)

            let listed = try await api.admin(.get, "/api/apikey")
            #expect(listed.status == .ok)
            let entry = listed.json.objects("apiKeys").first { ($0["id"] as? NSNumber)?.int64Value == id }
            #expect(entry?["name"] as? String == "wall screen")
            #expect(!listed.text.contains(key), "a listing never holds a key")
            #expect(!listed.text.contains("key_hash") && !listed.text.contains("keyHash"))

            let revoked = try await api.admin(.delete, "/api/apikey/\(id)")
            #expect(revoked.status == .ok, "\(revoked.text)")
            #expect(revoked.json.object("apiKey").int("revokedAt") != nil)
            #expect(try await api.call(.get, "/api/camera", key: key).status == .unauthorized)
            #expect(try await api.admin(.delete, "/api/apikey/999999").status == .notFound)
        }
    }

    @Test func expiryAndBadInput() async throws {
        try await withAPI { api async throws in
            let soon = unixMillis() + 1_500
            let created = try await api.admin(.post, "/api/apikey", json: #"{"name":"temp","role":"admin","expiresAt":\#(soon)}"#)
            #expect(created.status == .created, "\(created.text)")
            let key = try #require(created.json["key"] as? String)
            #expect(try await api.call(.get, "/api/apikey", key: key).status == .ok)
            let expired = try await eventually(timeout: .seconds(5), every: .milliseconds(100)) {
                try await api.call(.get, "/api/apikey", key: key).status == .unauthorized
            }
            #expect(expired, "refused once expired")
            #expect(unixMillis() >= soon, "not refused before its expiry")

            for (body, field) in [
                (#"{"role":"viewer"}"#, "name"), (#"{"name":" ","role":"viewer"}"#, "name"), (#"{"name":"x","role":"root"}"#, "role"),
                (#"{"name":"x"}"#, "role"), (#"{"name":"x","role":"viewer","expiresAt":1000}"#, "expiresAt"),
                (#"{"name":"x","role":"viewer","expiresAt":"soon"}"#, "expiresAt"),
            ] {
                let response = try await api.admin(.post, "/api/apikey", json: body)
                #expect(response.status == .unprocessableContent, "\(body): \(response.text)")
                #expect(response.errorField == field, "\(body)")
            }
        }
    }
}
