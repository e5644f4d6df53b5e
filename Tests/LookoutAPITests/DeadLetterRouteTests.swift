import HTTPTypes
import HummingbirdTesting
import LookoutCore
import LookoutRedis
import LookoutTestSupport
import Testing

/// `GET /api/dead` and `POST /api/dead/replay` (issue 12, item 2): both dead sets, admin only;
/// replay puts a presence dead letter back into the presence stream (and out of the dead one)
/// and schedules a dead renewal; bad input gets a precise error and replays nothing.
@Suite struct DeadLetterRouteTests {
    @Test func listsAndReplaysBothDeadSets() async throws {
        try await withAPI(streamOperations: FakeStreamOperations()) { api async throws in
            let dead = api.keys.presenceDeadLetters
            let valid = try await api.redis.xadd(
                dead,
                fields: [
                    ("at", "1700000000000"), ("gw", "gw-1"), ("host", "nvr-1"), ("session", "s-1"), ("type", "disconnected"), ("v", "3"),
                    ("original_id", "1-0"), ("error", "delivered 5 times without success"), ("deliveries", "5"),
                ])
            let malformed = try await api.redis.xadd(
                dead, fields: [("type", "nonsense"), ("original_id", "2-0"), ("error", "presence event field 'type': unknown 'nonsense'"), ("attempts", "1")])

            #expect(try await api.viewer(.get, "/api/dead").status == .forbidden)
            let listed = try await api.admin(.get, "/api/dead")
            #expect(listed.status == .ok)
            let presence = listed.json.objects("presence")
            #expect(presence.map { $0["id"] as? String } == [valid, malformed])
            #expect(presence.first?["replayable"] as? Bool == true && presence.last?["replayable"] as? Bool == false)
            #expect(presence.first?.int("attempts") == 5 && presence.first?["originalId"] as? String == "1-0")
            #expect((presence.first?["fields"] as? [String: String])?["host"] == "nvr-1")
            #expect(listed.json.objects("renewals").first?.int("cameraId") == 4)

            // Bad input: a precise error, and nothing replayed.
            let unknown = try await api.admin(.post, "/api/dead/replay", json: #"{"presence":["\#(valid)","9-9"]}"#)
            #expect(unknown.status == .notFound && unknown.text.contains("9-9"), "\(unknown.text)")
            let badID = try await api.admin(.post, "/api/dead/replay", json: #"{"presence":["nvr-1"]}"#)
            #expect(badID.status == .unprocessableContent && badID.errorField == "presence")
            let broken = try await api.admin(.post, "/api/dead/replay", json: #"{"presence":["\#(malformed)"]}"#)
            #expect(broken.status == .unprocessableContent && broken.text.contains("not a presence event"), "\(broken.text)")
            #expect(try await api.admin(.post, "/api/dead/replay", json: #"{"cameraIds":[5]}"#).status == .notFound)
            // Naming nothing replays nothing (the document allows it, so the server does too).
            let nothing = try await api.admin(.post, "/api/dead/replay", json: "{}")
            #expect(nothing.status == .ok && nothing.json.int("presence") == 0 && nothing.json.int("renewals") == 0)
            let tooMany = "[" + Array(repeating: "1", count: 501).joined(separator: ",") + "]"
            #expect(try await api.admin(.post, "/api/dead/replay", json: #"{"cameraIds":\#(tooMany)}"#).status == .unprocessableContent)
            #expect(try await api.call(.post, "/api/dead/replay", key: api.viewerKey, json: #"{"all":true}"#).status == .forbidden)
            #expect(try await api.redis.xlen(dead) == 2)
            #expect(try await api.redis.xlen(api.keys.presenceStream) == 0)

            let replayed = try await api.admin(.post, "/api/dead/replay", json: #"{"presence":["\#(valid)"],"cameraIds":[4]}"#)
            #expect(replayed.status == .ok, "\(replayed.text)")
            #expect(replayed.json.int("presence") == 1 && replayed.json.int("renewals") == 1)
            let entries = try await api.redis.xrange(api.keys.presenceStream)
            #expect(entries.count == 1)
            #expect(entries.first?.fields == ["type": "disconnected", "host": "nvr-1", "v": "3", "session": "s-1", "gw": "gw-1", "at": "1700000000000"])
            #expect(try await api.redis.xrange(dead).map(\.id) == [malformed])
            // Replaying it again: it is gone.
            #expect(try await api.admin(.post, "/api/dead/replay", json: #"{"presence":["\#(valid)"]}"#).status == .notFound)

            // all: every replayable letter (none left) and every dead renewal; the malformed one is reported.
            let all = try await api.admin(.post, "/api/dead/replay", json: #"{"all":true}"#)
            #expect(all.json.int("presence") == 0 && all.json.int("renewals") == 1)
            #expect(all.json["skipped"] as? [String] == [malformed])
        }
    }

    @Test func withoutStreamOperationsTheRenewalHalfAnswers503() async throws {
        try await withAPI { api async throws in
            #expect(try await api.admin(.get, "/api/dead").status == .serviceUnavailable)
            #expect(try await api.admin(.post, "/api/dead/replay", json: #"{"cameraIds":[4]}"#).errorCode == "unavailable")
        }
    }
}
