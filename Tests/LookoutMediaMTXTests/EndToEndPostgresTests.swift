import Foundation
import LookoutCore
import LookoutMediaMTX
import LookoutMediaMTXSimulator
import LookoutStore
import LookoutTestSupport
import PostgresNIO
import Testing

/// The sync driven by PostgreSQL: `lookout migrate` on a scratch database, cameras inserted with
/// psql, ``PostgresStreamPaths`` as the desired state.
@Suite("MediaMTXSync end to end with PostgreSQL", .timeLimit(.minutes(2)))
struct EndToEndPostgresTests {
    @Test func theFileAndMediaMTXFollowTheCamerasAndPromotionMovesPendingToCurrent() async throws {
        let database = try await ScratchDatabase.create()
        let migrated = try await ChildProcess.lookout(["migrate"], environment: ["LOOKOUT_DATABASE_URL": database.url])
        try #require(migrated.status == 0, "lookout migrate failed: \(migrated.stderr)")
        _ = try await database.query(
            """
            INSERT INTO cameras (name, mediamtx_path, enabled, stream_url, stream_expires_at, pending_stream_url, pending_stream_expires_at) VALUES
              ('one', 'site/cam-1', true, '\(Fixture.url("one"))', now() + interval '7 days', NULL, NULL),
              ('two', 'cam-2', true, '\(Fixture.url("two"))', now() + interval '7 days', '\(Fixture.url("two-new"))', now() + interval '14 days'),
              ('off', 'cam-3', false, '\(Fixture.url("off"))', now() + interval '7 days', NULL, NULL),
              ('unpublished', NULL, true, '\(Fixture.url("np"))', now() + interval '7 days', NULL, NULL),
              ('no-url', 'cam-5', true, NULL, NULL, NULL, NULL)
            """)

        let client = PostgresClient(configuration: try PostgresClient.Configuration(url: database.url), backgroundLogger: Fixture.logger)
        let clientTask = Task { await client.run() }
        // Rows inserted in plaintext, as before sealing (schema v6): still read, until `lookout secrets rotate`.
        let cipher = try StreamURLCipher(current: StreamURLCipher.Key(setting: TestStreamURLKey.setting))
        let store = PostgresStreamPaths(client: client, cipher: cipher, swapMargin: .seconds(600), logger: Fixture.logger)

        let desired = try await store.desiredPaths()
        #expect(desired.map(\.name) == ["cam-2", "site/cam-1"])
        let pending = try #require(desired.first)
        #expect(pending.pendingSource == Fixture.url("two-new"))
        let expectedDeadline = unixMillis() + 7 * 86_400_000 - 600_000
        #expect(abs((pending.pendingDeadline ?? 0) - expectedDeadline) < 60_000, "deadline = current expiry - margin")

        let harness = try await SyncHarness.make()
        let running = RunningSync(await harness.sync(source: store))
        // cam-2 has no readers, so its pending URL goes live at once and is promoted.
        let expected = ["site/cam-1": Fixture.url("one"), "cam-2": Fixture.url("two-new")]
        #expect(await eventually(timeout: .seconds(10)) { await harness.converged(expected, among: ["site/cam-1", "cam-2", "cam-3", "cam-5"]) })
        #expect(await eventually {
            (try? await database.query("SELECT stream_url || '|' || coalesce(pending_stream_url, '-') FROM cameras WHERE name = 'two'"))
                == Fixture.url("two-new") + "|-"
        })
        let expiry = try await database.query("SELECT stream_expires_at > now() + interval '13 days' FROM cameras WHERE name = 'two'")
        #expect(expiry == "t", "the pending expiry moved to current")

        // Disabling a camera removes its path; a renewal stores a pending URL for the other.
        _ = try await database.query("UPDATE cameras SET enabled = false WHERE name = 'one'")
        _ = try await database.query(
            "UPDATE cameras SET pending_stream_url = '\(Fixture.url("two-3"))', pending_stream_expires_at = now() + interval '21 days' WHERE name = 'two'")
        await harness.double.setReaders(path: "cam-2", count: 1)
        await running.sync.requestReconcile()
        #expect(await eventually { await harness.double.sources()["site/cam-1"] == nil && harness.fileSources()["site/cam-1"] == nil })
        #expect(await harness.double.sources()["cam-2"] == Fixture.url("two-new"), "a watched path keeps its URL until idle")
        await harness.double.setReaders(path: "cam-2", count: 0)
        #expect(await eventually { await harness.converged(["cam-2": Fixture.url("two-3")]) })
        #expect(await eventually {
            (try? await database.query("SELECT stream_url || '|' || coalesce(pending_stream_url, '-') FROM cameras WHERE name = 'two'"))
                == Fixture.url("two-3") + "|-"
        })

        // promote() is guarded by the pending URL: a stale call changes nothing.
        #expect(try await store.promote(name: "cam-2", source: Fixture.url("two-new")) == false)

        await running.stop()
        await harness.close()
        clientTask.cancel()
        try await database.drop()
    }
}
