import Foundation
import HTTPTypes
@testable import LookoutGateway
import HummingbirdTesting
import LookoutCore
import LookoutTestSupport
import Testing

/// `/api/nvr…`: registration with its token once, renaming, deleting, rotation, history.
@Suite struct NVRRouteTests {
    @Test func registerReadRenameDelete() async throws {
        try await withAPI { api async throws in
            let created = try await api.admin(.post, "/api/nvr", json: #"{"hostname":"DESKTOP-T7MNQIA","name":"Lobby","cameras":2}"#)
            #expect(created.status == .created)
            let token = try #require(created.json["token"] as? String)
            #expect(token.hasPrefix("nvr_"))
            let nvr = created.json.object("nvr")
            let id = try #require(nvr.int("id"))
            #expect(nvr.objects("cameras").count == 2)
            #expect(nvr["status"] as? String == "unknown")

            let read = try await api.viewer(.get, "/api/nvr/\(id)")
            #expect(read.json.object("nvr")["name"] as? String == "Lobby")
            #expect(read.json["token"] == nil)
            let list = try await api.viewer(.get, "/api/nvr").json
            #expect(list.objects("nvrs").map { $0["hostname"] as? String } == ["DESKTOP-T7MNQIA"])
            #expect(list.object("pagination").int("total") == 1)
            #expect(try await api.viewer(.get, "/api/nvr?status=online").json.objects("nvrs").isEmpty)

            let renamed = try await api.admin(.put, "/api/nvr/\(id)", json: #"{"name":"Front lobby"}"#)
            #expect(renamed.status == .ok)
            #expect(renamed.json.object("nvr")["name"] as? String == "Front lobby")
            #expect(renamed.json.object("nvr")["hostname"] as? String == "DESKTOP-T7MNQIA")

            #expect(try await api.admin(.delete, "/api/nvr/\(id)").status == .ok)
            #expect(try await api.viewer(.get, "/api/nvr/\(id)").status == .notFound)
            // Its cameras stay, unattached.
            let cameras = try await api.viewer(.get, "/api/camera").json.objects("cameras")
            #expect(cameras.count == 2 && cameras.allSatisfy { $0["nvrId"] == nil })
        }
    }

    @Test func errorsOfNVRRoutes() async throws {
        try await withAPI { api async throws in
            #expect(try await api.admin(.post, "/api/nvr", json: #"{"hostname":"dup"}"#).status == .created)
            let duplicate = try await api.admin(.post, "/api/nvr", json: #"{"hostname":"dup"}"#)
            #expect(duplicate.status == .conflict)
            #expect(duplicate.errorField == "hostname")
            let other = try #require(try await api.admin(.post, "/api/nvr", json: #"{"hostname":"other"}"#).json.object("nvr").int("id"))
            let clash = try await api.admin(.put, "/api/nvr/\(other)", json: #"{"hostname":"dup"}"#)
            #expect(clash.status == .conflict)
            #expect(clash.errorField == "hostname")
            for (body, field) in [
                (#"{}"#, "hostname"), (#"{"hostname":"has space"}"#, "hostname"), (#"{"hostname":"x","cameras":65}"#, "cameras"),
                (#"{"hostname":"x","cameras":-1}"#, "cameras"), (#"{"hostname":"x","name":false}"#, "name"),
            ] {
                let response = try await api.admin(.post, "/api/nvr", json: body)
                #expect(response.status == .unprocessableContent, "\(body)")
                #expect(response.errorField == field, "\(body)")
            }
            #expect(try await api.admin(.put, "/api/nvr/\(other)", json: "{}").status == .unprocessableContent)
            #expect(try await api.admin(.post, "/api/nvr", json: "{oops").status == .badRequest)
            for (method, path) in [
                (HTTPRequest.Method.get, "/api/nvr/99999"), (.put, "/api/nvr/99999"), (.delete, "/api/nvr/99999"), (.post, "/api/nvr/99999/token"),
                (.get, "/api/nvr/99999/sessions"),
            ] {
                let response = try await api.admin(method, path, json: method == .put ? #"{"name":"n"}"# : nil)
                #expect(response.status == .notFound, "\(method) \(path)")
            }
            #expect(try await api.viewer(.get, "/api/nvr/\(other)/sessions?hours=0").errorField == "hours")
            #expect(try await api.viewer(.get, "/api/nvr/\(other)/sessions?hours=721").status == .unprocessableContent)
        }
    }

    @Test func rotationReturnsANewTokenOnceAndRevokesTheOld() async throws {
        try await withAPI { api async throws in
            let created = try await api.admin(.post, "/api/nvr", json: #"{"hostname":"rot"}"#).json
            let id = try #require(created.object("nvr").int("id"))
            let old = try #require(created["token"] as? String)
            let subscriber = try RedisSubscription(channel: api.keys.gatewayControl)
            try await subscriber.waitUntilSubscribed()
            let rotated = try await api.admin(.post, "/api/nvr/\(id)/token")
            #expect(rotated.status == .ok)
            let new = try #require(rotated.json["token"] as? String)
            #expect(new != old && new.hasPrefix("nvr_"))
            #expect(rotated.json["disconnectRequested"] as? Bool == true)
            let hash = try await api.database.query("SELECT token_hash FROM nvrs WHERE id = \(id)")
            #expect(hash == SecretHash.sha256Hex(new))
            let control = try #require(await subscriber.next())
            #expect(control.contains(#""hostname":"rot""#) && control.contains(#""type":"revoke""#))
            #expect(try await api.call(.post, "/api/nvr/\(id)/token", key: api.viewerKey).status == .forbidden)
        }
    }

    @Test func sessionHistoryAndUptime() async throws {
        try await withAPI { api async throws in
            let id = try #require(try await api.admin(.post, "/api/nvr", json: #"{"hostname":"hist"}"#).json.object("nvr").int("id"))
            // Connected 6 h of the last 24 in two overlapping sessions (4 h + 3 h, 1 h overlap),
            // one session entirely before the window, one open for the last hour.
            _ = try await api.database.query(
                """
                INSERT INTO nvr_sessions (nvr_id, session_id, connection_version, gateway_id, connected_at, disconnected_at, disconnect_reason) VALUES
                (\(id), 's1', 1, 'gw', now() - interval '30 hours', now() - interval '26 hours', 'closed'),
                (\(id), 's2', 2, 'gw', now() - interval '12 hours', now() - interval '8 hours', 'replaced'),
                (\(id), 's3', 3, 'gw', now() - interval '9 hours', now() - interval '6 hours', 'silent'),
                (\(id), 's4', 4, 'gw', now() - interval '1 hours', NULL, NULL)
                """)
            let day = try await api.viewer(.get, "/api/nvr/\(id)/sessions").json
            #expect(day.int("hours") == 24)
            #expect(day.objects("sessions").map { $0["sessionId"] as? String } == ["s4", "s3", "s2"])
            let ratio = (day.object("uptime")["ratio"] as? Double) ?? -1
            #expect(abs(ratio - 7.0 / 24.0) < 0.01, "6 h closed + 1 h open of 24 h: \(ratio)")
            let open = day.objects("sessions").first
            #expect(open != nil && open?["disconnectedAt"] == nil)
            let limited = try await api.viewer(.get, "/api/nvr/\(id)/sessions?hours=48&limit=1").json
            #expect(limited.objects("sessions").count == 1)
            #expect(abs(((limited.object("uptime")["ratio"] as? Double) ?? -1) - 11.0 / 48.0) < 0.01)
        }
    }
}
