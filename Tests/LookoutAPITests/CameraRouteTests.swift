import Foundation
import HTTPTypes
import HummingbirdTesting
import LookoutCore
import LookoutTestSupport
import Testing

/// `/api/camera…`: every status code, filters and pages, the HLS URL and the snapshot.
@Suite struct CameraRouteTests {
    @Test func createReadUpdateDelete() async throws {
        try await withAPI { api async throws in
            let nvr = try await api.admin(.post, "/api/nvr", json: #"{"hostname":"nvr-cam","cameras":0}"#).json.object("nvr")
            let nvrID = try #require(nvr.int("id"))
            let created = try await api.admin(
                .post, "/api/camera", json: #"{"name":"Gate","nvrId":\#(nvrID),"mediamtxPath":"site/gate","hikChannelNo":3}"#)
            #expect(created.status == .created)
            #expect(created.json["success"] as? Bool == true)
            let camera = created.json.object("camera")
            let id = try #require(camera.int("id"))
            #expect(camera["mediamtxPath"] as? String == "site/gate")
            #expect(camera["status"] as? String == "unknown")
            #expect(camera["hasStream"] as? Bool == false)

            let read = try await api.viewer(.get, "/api/camera/\(id)")
            #expect(read.status == .ok)
            #expect(read.json.object("camera")["name"] as? String == "Gate")

            let changed = try await api.admin(.put, "/api/camera/\(id)", json: #"{"name":"Front gate","enabled":false,"nvrId":null}"#)
            #expect(changed.status == .ok)
            #expect(changed.json.object("camera")["name"] as? String == "Front gate")
            #expect(changed.json.object("camera")["enabled"] as? Bool == false)
            #expect(changed.json.object("camera")["nvrId"] == nil, "a cleared field is left out")
            #expect(changed.json.object("camera")["mediamtxPath"] as? String == "site/gate", "fields left out stay")

            #expect(try await api.admin(.delete, "/api/camera/\(id)").status == .ok)
            #expect(try await api.viewer(.get, "/api/camera/\(id)").status == .notFound)
            #expect(try await api.admin(.delete, "/api/camera/\(id)").status == .notFound)
        }
    }

    @Test func listFiltersByStatusAndNVRAndPages() async throws {
        try await withAPI { api async throws in
            let first = try #require(try await api.admin(.post, "/api/nvr", json: #"{"hostname":"a","cameras":3}"#).json.object("nvr").int("id"))
            _ = try await api.admin(.post, "/api/nvr", json: #"{"hostname":"b","cameras":2}"#)
            _ = try await api.database.query("UPDATE cameras SET status = 'online' WHERE nvr_id = \(first)")

            let all = try await api.viewer(.get, "/api/camera?limit=2&page=2").json
            #expect(all.objects("cameras").count == 2)
            #expect(all.object("pagination").int("total") == 5)
            #expect(all.object("pagination").int("pages") == 3)
            #expect(all.object("pagination").int("page") == 2)
            let mine = try await api.viewer(.get, "/api/camera?nvrId=\(first)").json
            #expect(mine.objects("cameras").count == 3)
            let online = try await api.viewer(.get, "/api/camera?status=online").json
            #expect(online.objects("cameras").allSatisfy { $0["status"] as? String == "online" && $0.int("nvrId") == first })
            #expect(try await api.viewer(.get, "/api/camera?status=offline&nvrId=\(first)").json.objects("cameras").isEmpty)
            let past = try await api.viewer(.get, "/api/camera?page=9").json
            #expect(past.objects("cameras").isEmpty && past.object("pagination").int("total") == 5)

            for (query, field) in [("status=sleeping", "status"), ("nvrId=x", "nvrId"), ("page=0", "page"), ("limit=501", "limit")] {
                let bad = try await api.viewer(.get, "/api/camera?\(query)")
                #expect(bad.status == .unprocessableContent, "\(query)")
                #expect(bad.errorField == field)
            }
        }
    }

    @Test func invalidBodiesNameTheirField() async throws {
        try await withAPI { api async throws in
            let cases: [(String, String)] = [
                (#"{}"#, "name"), (#"{"name":""}"#, "name"), (#"{"name":42}"#, "name"), (#"{"name":"x","enabled":"yes"}"#, "enabled"),
                (#"{"name":"x","mediamtxPath":"a//b"}"#, "mediamtxPath"), (#"{"name":"x","mediamtxPath":"../etc"}"#, "mediamtxPath"),
                (#"{"name":"x","hikChannelNo":0}"#, "hikChannelNo"),
                (#"{"name":"x","nvrId":"7"}"#, "nvrId"), (#"{"name":"\#(String(repeating: "n", count: 201))"}"#, "name"),
            ]
            for (body, field) in cases {
                let response = try await api.admin(.post, "/api/camera", json: body)
                #expect(response.status == .unprocessableContent, "\(body)")
                #expect(response.errorCode == "invalid_field", "\(body)")
                #expect(response.errorField == field, "\(body): \(response.text)")
            }
            let id = try #require(try await api.admin(.post, "/api/camera", json: #"{"name":"c"}"#).json.object("camera").int("id"))
            let empty = try await api.admin(.put, "/api/camera/\(id)", json: "{}")
            #expect(empty.status == .unprocessableContent)
            // A well-formed nvrId that names no NVR is a 404, like an unknown id in the path.
            let unknownNVR = try await api.admin(.post, "/api/camera", json: #"{"name":"x","nvrId":999999}"#)
            #expect(unknownNVR.status == .notFound && unknownNVR.errorCode == "not_found", "\(unknownNVR.text)")
            #expect(try await api.admin(.put, "/api/camera/\(id)", json: #"{"nvrId":999999}"#).status == .notFound)
        }
    }

    @Test func malformedAndOversizedBodies() async throws {
        try await withAPI(environment: ["LOOKOUT_API_MAX_BODY": "2048"]) { api async throws in
            for body in ["{", "not json", #"{"name":"x""#, "[1,2]", "\"text\"", "", "nul"] {
                let response = try await api.admin(.post, "/api/camera", json: body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(response.errorCode == "malformed_json", "\(body)")
            }
            let big = #"{"name":"x","pad":"\#(String(repeating: "p", count: 4096))"}"#
            let tooLarge = try await api.admin(.post, "/api/camera", json: big)
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.errorCode == "body_too_large")
            let id = try #require(try await api.admin(.post, "/api/camera", json: #"{"name":"c"}"#).json.object("camera").int("id"))
            #expect(try await api.admin(.put, "/api/camera/\(id)", json: big).status == .contentTooLarge)
            #expect(try await api.admin(.put, "/api/camera/\(id)", json: "{").status == .badRequest)
        }
    }

    @Test func duplicatesAreConflicts() async throws {
        try await withAPI { api async throws in
            #expect(try await api.admin(.post, "/api/camera", json: #"{"name":"a","mediamtxPath":"p1","hikResourceId":"r1"}"#).status == .created)
            let path = try await api.admin(.post, "/api/camera", json: #"{"name":"b","mediamtxPath":"p1"}"#)
            #expect(path.status == .conflict)
            #expect(path.errorCode == "duplicate")
            #expect(path.errorField == "mediamtxPath")
            let resource = try await api.admin(.post, "/api/camera", json: #"{"name":"b","hikResourceId":"r1"}"#)
            #expect(resource.errorField == "hikResourceId")
            let other = try #require(try await api.admin(.post, "/api/camera", json: #"{"name":"c","mediamtxPath":"p2"}"#).json.object("camera").int("id"))
            let moved = try await api.admin(.put, "/api/camera/\(other)", json: #"{"mediamtxPath":"p1"}"#)
            #expect(moved.status == .conflict)
            #expect(moved.errorField == "mediamtxPath")
        }
    }

    @Test func unknownIdsAreNotFound() async throws {
        try await withAPI { api async throws in
            for path in ["/api/camera/424242", "/api/camera/abc", "/api/camera/-1", "/api/camera/424242/live", "/api/camera/424242/snapshot"] {
                let response = try await api.viewer(.get, path)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.errorCode == "not_found")
            }
            #expect(try await api.admin(.put, "/api/camera/424242", json: #"{"name":"x"}"#).status == .notFound)
            let route = try await api.viewer(.get, "/api/cameras")
            #expect(route.status == .notFound)
            #expect(route.errorCode == "not_found")
        }
    }

    @Test func liveGivesTheHLSURLAndSnapshotGivesTheStoredOne() async throws {
        try await withAPI { api async throws in
            let camera = try await api.admin(.post, "/api/camera", json: #"{"name":"Dock","mediamtxPath":"site-1/dock"}"#).json.object("camera")
            let id = try #require(camera.int("id"))
            // Published but no stream yet (issue 13): MediaMTX has nothing to play at that path.
            let noStream = try await api.viewer(.get, "/api/camera/\(id)/live")
            #expect(noStream.status == .notFound && noStream.text.contains("has no stream"), "\(noStream.text)")
            _ = try await api.database.query(
                "UPDATE cameras SET stream_url = 'sealed', stream_expires_at = now() - interval '1 minute' WHERE id = \(id)")
            let expired = try await api.viewer(.get, "/api/camera/\(id)/live")
            #expect(expired.status == .notFound && expired.text.contains("stream URL expired"), "\(expired.text)")
            _ = try await api.database.query("UPDATE cameras SET stream_expires_at = now() + interval '1 hour' WHERE id = \(id)")
            let live = try await api.viewer(.get, "/api/camera/\(id)/live")
            #expect(live.status == .ok)
            #expect(live.json["success"] as? Bool == true)
            let hlsURL = try #require(live.json["hlsUrl"] as? String)
            #expect(hlsURL.hasPrefix("http://media.test:8888/site-1/dock/index.m3u8?token=t1."), "\(hlsURL)")
            let expiresAt = try #require(live.json.int("expiresAt"))
            let ttl = Int64(Setting.playbackTokenTTL.defaultValue!)! * 1000
            #expect(abs(expiresAt - (unixMillis() + ttl)) < 5000, "expires a TTL from now")
            #expect(live.json.object("cameraInfo")["name"] as? String == "Dock")

            let noSnapshot = try await api.viewer(.get, "/api/camera/\(id)/snapshot")
            #expect(noSnapshot.status == .notFound)
            _ = try await api.database.query(
                "UPDATE cameras SET snapshot_url = 'https://snapshots.example/dock.jpg', snapshot_at = to_timestamp(1700000000) WHERE id = \(id)")
            let snapshot = try await api.viewer(.get, "/api/camera/\(id)/snapshot").json
            #expect(snapshot["snapshotUrl"] as? String == "https://snapshots.example/dock.jpg")
            #expect(snapshot.int("snapshotAt") == 1_700_000_000_000)

            let unpublished = try #require(try await api.admin(.post, "/api/camera", json: #"{"name":"New"}"#).json.object("camera").int("id"))
            #expect(try await api.viewer(.get, "/api/camera/\(unpublished)/live").status == .notFound)
        }
    }

    @Test func liveWithoutPlaybackKeysIsUnavailable() async throws {
        try await withAPI(environment: ["LOOKOUT_PLAYBACK_KEYS": ""]) { api async throws in
            let camera = try await api.admin(.post, "/api/camera", json: #"{"name":"Dock","mediamtxPath":"site-1/dock"}"#).json.object("camera")
            _ = try await api.database.query(TestStreams.give)
            let live = try await api.viewer(.get, "/api/camera/\(try #require(camera.int("id")))/live")
            #expect(live.status == .serviceUnavailable)
            #expect(live.errorCode == "unavailable")
        }
    }
}
