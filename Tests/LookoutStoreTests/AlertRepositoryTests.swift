import LookoutCore
import LookoutStore
import PostgresNIO
import Testing

/// Stored alerts (issue 13, item 5): one open per kind and subject, each change with its outbox
/// row; the sweeper's nvr_offline in the same statement as `alerted_at`, nvr_back when online;
/// url_expiring following the cameras; acknowledgement once.
@Suite("Alerts in PostgreSQL", .timeLimit(.minutes(1)))
struct AlertRepositoryTests {
    static let t0: Int64 = 1_700_000_000_000

    static func outboxEvents(_ client: PostgresClient) async throws -> [String] {
        var events: [String] = []
        let rows = try await client.query("SELECT a.kind || ':' || e.event FROM alert_events e JOIN alerts a ON a.id = e.alert_id ORDER BY e.id", logger: TestDatabase.logger)
        for try await event in rows.decode(String.self) { events.append(event) }
        return events
    }

    @Test func oneOpenAlertPerKindAndSubjectEachChangeInTheOutbox() async throws {
        try await TestDatabase.withMigrated { client in
            let alerts = PostgresAlertRepository(client: client, logger: TestDatabase.logger)
            let cameras = PostgresCameraRepository(client: client, logger: TestDatabase.logger)
            let camera = try await cameras.create(CameraDraft(name: "Gate"))
            let opened = try #require(try await alerts.open(.renewalFailing, cameraID: camera.id, details: "HTTP 500 for rtmp://h/live?token=s\nline"))
            #expect(opened.subject == AlertSubject(id: camera.id, name: "Gate"), "named after the camera")
            #expect(opened.details == "HTTP 500 for <url> line", "no URL, one line")
            #expect(try await alerts.open(.renewalFailing, cameraID: camera.id) == nil, "open already")
            #expect(try await alerts.open(.renewalDead, cameraID: camera.id) != nil, "another kind")
            let recovered = try await alerts.recover(kinds: [.renewalFailing, .renewalDead], subjectID: camera.id)
            #expect(recovered.map(\.kind) == [.renewalFailing, .renewalDead] && recovered.allSatisfy { $0.recoveredAt != nil })
            #expect(try await alerts.recover(.renewalFailing, subjectID: camera.id) == nil, "nothing open")
            let reopened = try #require(try await alerts.open(.renewalFailing, cameraID: camera.id))
            #expect(reopened.alertID != opened.alertID)
            let events = try await Self.outboxEvents(client)
            #expect(events.count == 5, "\(events)")
            #expect(events.prefix(2) == ["renewal_failing:opened", "renewal_dead:opened"] && events.last == "renewal_failing:opened", "\(events)")
            #expect(Set(events.dropFirst(2).prefix(2)) == ["renewal_failing:recovered", "renewal_dead:recovered"], "one statement, any order")
            // The index holds even against a writer that skips the repository.
            await #expect(throws: (any Error).self) {
                try await client.query(
                    "INSERT INTO alerts (kind, subject_type, subject_id) VALUES ('renewal_failing', 'camera', \(camera.id))", logger: TestDatabase.logger)
            }
            let (open, total) = try await alerts.list(state: .open)
            #expect(total == 1 && open.first?.id == reopened.alertID && open.first?.open == true)
            #expect(try await alerts.list(state: .recovered, kind: .renewalDead).alerts.first?.durationMs ?? -1 >= 0)
        }
    }

    @Test func theSweeperOpensNVROfflineWithAlertedAtAndRecoversItWhenBack() async throws {
        try await TestDatabase.withMigrated { client in
            let nvrs = PostgresNVRRepository(client: client, logger: TestDatabase.logger)
            let store = PostgresPresenceStore(client: client, logger: TestDatabase.logger)
            let alerts = PostgresAlertRepository(client: client, logger: TestDatabase.logger)
            let nvr = try await nvrs.create(hostname: "nvr-a", name: "", cameraCount: 0).nvr
            _ = try await store.apply([presence(.connected, "nvr-a", v: 1, at: Self.t0), presence(.disconnected, "nvr-a", v: 1, at: Self.t0 + 1000)], logger: TestDatabase.logger)
            let due = try await store.takeDueAlerts(grace: .seconds(30), now: Self.t0 + 60_000)
            let alertID = try #require(due.first?.alertID)
            let open = try await alerts.list(state: .open).alerts
            #expect(open.map(\.id) == [alertID] && open[0].kind == .nvrOffline && open[0].subjectName == "nvr-a" && open[0].startedAt == Self.t0 + 1000)
            #expect(try await alerts.recoverNVRsBackOnline().isEmpty, "still offline")

            _ = try await store.apply([presence(.connected, "nvr-a", v: 2, at: Self.t0 + 90_000)], logger: TestDatabase.logger)
            let back = try await alerts.recoverNVRsBackOnline()
            #expect(back.count == 1)
            #expect(back.first?.headline == "nvr_back" && back.first?.recoveredAt == Self.t0 + 90_000)
            #expect(back.first?.text == "NVR nvr-a back online after 1m 29s")
            #expect(try await alerts.recoverNVRsBackOnline().isEmpty, "recovered once")
            #expect(try await Self.outboxEvents(client) == ["nvr_offline:opened", "nvr_offline:recovered"])
            #expect(nvr.id == back.first?.subject.id)
        }
    }

    @Test func urlExpiringFollowsTheCamerasExpiries() async throws {
        try await TestDatabase.withMigrated { client in
            let alerts = PostgresAlertRepository(client: client, logger: TestDatabase.logger)
            let cameras = PostgresCameraRepository(client: client, logger: TestDatabase.logger)
            let soon = try await cameras.create(CameraDraft(name: "soon"))
            let later = try await cameras.create(CameraDraft(name: "later"))
            _ = try await cameras.create(CameraDraft(name: "none"))
            let now = Self.t0
            func expire(_ id: Int64, at ms: Int64) async throws {
                try await client.query(
                    "UPDATE cameras SET stream_url = 'sealed', stream_expires_at = to_timestamp(\(ms)::bigint / 1000.0) WHERE id = \(id)",
                    logger: TestDatabase.logger)
            }
            try await expire(soon.id, at: now + 600_000)
            try await expire(later.id, at: now + 7_000_000)
            let opened = try await alerts.syncExpiringURLs(warning: .seconds(3600), now: now)
            #expect(opened.map(\.subject.name) == ["soon"] && opened.first?.details == "expires in 10 min")
            #expect(try await alerts.syncExpiringURLs(warning: .seconds(3600), now: now).isEmpty, "once")
            // Renewed: a URL waiting for its swap counts.
            try await client.query(
                "UPDATE cameras SET pending_stream_url = 'sealed', pending_stream_expires_at = to_timestamp(\(now + 86_400_000)::bigint / 1000.0) WHERE id = \(soon.id)",
                logger: TestDatabase.logger)
            let changes = try await alerts.syncExpiringURLs(warning: .seconds(3600), now: now + 3_600_000)
            #expect(changes.map { "\($0.subject.name):\($0.change.rawValue)" }.sorted() == ["later:opened", "soon:recovered"])
        }
    }

    @Test func anAcknowledgementRecordsTheKeyOnce() async throws {
        try await TestDatabase.withMigrated { client in
            let alerts = PostgresAlertRepository(client: client, logger: TestDatabase.logger)
            let keys = PostgresAPIKeyRepository(client: client)
            let key = try await keys.createKey(role: .viewer, name: "wall", expiresAt: nil).record
            let alert = try #require(try await alerts.open(.nvrOffline, subject: AlertSubject(id: 3, name: "nvr-3")))
            let first = try #require(try await alerts.acknowledge(id: alert.alertID, keyID: key.id, by: "unused"))
            #expect(first.acknowledgedBy == "wall" && first.acknowledgedKeyId == key.id && first.acknowledgedAt != nil)
            let second = try #require(try await alerts.acknowledge(id: alert.alertID, keyID: nil, by: "someone else"))
            #expect(second.acknowledgedBy == "wall" && second.acknowledgedAt == first.acknowledgedAt)
            #expect(try await alerts.acknowledge(id: 424_242, keyID: key.id, by: "x") == nil)
        }
    }
}
