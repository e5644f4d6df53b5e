import LookoutCore
import LookoutStore
import PostgresNIO
import Testing

@Suite("PostgresPresenceStore.apply against a real PostgreSQL", .timeLimit(.minutes(1)))
struct PresenceApplyTests {
    static let t0: Int64 = 1_700_000_000_000

    /// A migrated database with NVRs `nvr-1`, `nvr-2` (two cameras each).
    private func withNVRs(_ body: (PostgresClient, PostgresPresenceStore, PostgresNVRRepository, [NVRState]) async throws -> Void)
        async throws
    {
        try await TestDatabase.withMigrated { client in
            let repository = PostgresNVRRepository(client: client, logger: TestDatabase.logger)
            var nvrs: [NVRState] = []
            for hostname in ["nvr-1", "nvr-2"] {
                nvrs.append(try await repository.create(hostname: hostname, name: hostname, cameraCount: 2).nvr)
            }
            try await body(client, PostgresPresenceStore(client: client, logger: TestDatabase.logger), repository, nvrs)
        }
    }

    @Test func connectThenDisconnectMovesTheNVRAndItsCameras() async throws {
        try await self.withNVRs { client, store, repository, nvrs in
            let connected = try await store.apply([presence(.connected, "nvr-1", v: 1, at: Self.t0)], logger: TestDatabase.logger)
            #expect(connected == PresenceApplyResult(changedNVRIDs: [nvrs[0].id], applied: 1, ignored: 0, unknownHostnames: []))
            var state = try #require(try await repository.states(ids: [nvrs[0].id]).first)
            #expect(state.status == .online)
            #expect(state.version == 1)
            #expect(state.statusChangedAt == Self.t0)
            #expect(state.lastSeenAt == Self.t0)
            #expect(state.session == "nvr-1-s1")
            #expect(state.gateway == "gw-1")
            #expect(state.cameras.map(\.status) == [.online, .online])
            #expect(state.cameras.map(\.statusReason) == ["nvr_online", "nvr_online"])
            #expect(try await repository.states(ids: [nvrs[1].id]).first?.status == .unknown, "other NVRs stay as they were")

            let disconnected = try await store.apply(
                [presence(.disconnected, "nvr-1", v: 1, at: Self.t0 + 5000, reason: "closed")], logger: TestDatabase.logger)
            #expect(disconnected.changedNVRIDs == [nvrs[0].id])
            state = try #require(try await repository.states(ids: [nvrs[0].id]).first)
            #expect(state.status == .offline)
            #expect(state.version == 1)
            #expect(state.statusChangedAt == Self.t0 + 5000)
            #expect(state.lastSeenAt == Self.t0)
            #expect(state.cameras.map(\.status) == [.offline, .offline])
            #expect(state.cameras.map(\.statusReason) == ["nvr_offline", "nvr_offline"])
            let changed = try await client.strings("SELECT (extract(epoch FROM status_changed_at) * 1000)::bigint::text FROM cameras WHERE nvr_id = \(state.id)")
            #expect(changed == [String(Self.t0 + 5000), String(Self.t0 + 5000)])
        }
    }

    @Test func camerasOfflineForTheirOwnReasonStayOffline() async throws {
        try await self.withNVRs { client, store, repository, nvrs in
            _ = try await store.apply([presence(.connected, "nvr-1", v: 1)], logger: TestDatabase.logger)
            let cameras = nvrs[0].cameras.map(\.id)
            try await client.query("UPDATE cameras SET status = 'offline', status_reason = 'device_offline' WHERE id = \(cameras[0])")
            try await client.query("UPDATE cameras SET enabled = false, status = 'unknown', status_reason = NULL WHERE id = \(cameras[1])")
            _ = try await store.apply(
                [presence(.disconnected, "nvr-1", v: 1), presence(.connected, "nvr-1", v: 2)], logger: TestDatabase.logger)
            let state = try #require(try await repository.states(ids: [nvrs[0].id]).first)
            #expect(state.status == .online)
            #expect(state.cameras.map(\.status) == [.offline, .unknown])
            #expect(state.cameras.map(\.statusReason) == ["device_offline", nil])
        }
    }

    @Test func aLateDisconnectOfAnOldConnectionIsIgnored() async throws {
        try await self.withNVRs { client, store, repository, nvrs in
            let result = try await store.apply(
                [
                    presence(.connected, "nvr-1", v: 1, at: Self.t0),
                    presence(.connected, "nvr-1", v: 2, at: Self.t0 + 1000, gateway: "gw-2"),
                    presence(.disconnected, "nvr-1", v: 1, at: Self.t0 + 2000, reason: "replaced"),
                ],
                logger: TestDatabase.logger
            )
            #expect(result == PresenceApplyResult(changedNVRIDs: [nvrs[0].id], applied: 2, ignored: 1, unknownHostnames: []))
            let state = try #require(try await repository.states(ids: [nvrs[0].id]).first)
            #expect(state.status == .online)
            #expect(state.version == 2)
            #expect(state.session == "nvr-1-s2")
            #expect(state.gateway == "gw-2")
            #expect(state.statusChangedAt == Self.t0, "online → online is no status change")
            #expect(state.lastSeenAt == Self.t0 + 1000)
            #expect(state.cameras.allSatisfy { $0.status == .online })

            // The same race, one event per batch.
            _ = try await store.apply([presence(.connected, "nvr-2", v: 1)], logger: TestDatabase.logger)
            _ = try await store.apply([presence(.connected, "nvr-2", v: 2)], logger: TestDatabase.logger)
            let late = try await store.apply([presence(.disconnected, "nvr-2", v: 1)], logger: TestDatabase.logger)
            #expect(late.changedNVRIDs.isEmpty)
            #expect(late.ignored == 1)
            #expect(try await client.fence("nvr-2") == .init(version: 2, status: .online))
        }
    }

    @Test func aRedeliveredBatchChangesNothing() async throws {
        try await self.withNVRs { client, store, repository, nvrs in
            let batch = [
                presence(.connected, "nvr-1", v: 1, at: Self.t0),
                presence(.connected, "nvr-2", v: 3, at: Self.t0 + 1),
                presence(.disconnected, "nvr-1", v: 1, at: Self.t0 + 2, reason: "silent"),
            ]
            let first = try await store.apply(batch, logger: TestDatabase.logger)
            #expect(first.changedNVRIDs == nvrs.map(\.id).sorted())
            let before = try await repository.snapshot()
            let sessionsBefore = try await client.strings("SELECT row_to_json(s)::text FROM nvr_sessions s ORDER BY id")

            let second = try await store.apply(batch, logger: TestDatabase.logger)
            #expect(second == PresenceApplyResult(changedNVRIDs: [], applied: 0, ignored: 3, unknownHostnames: []))
            #expect(try await repository.snapshot() == before)
            #expect(try await client.strings("SELECT row_to_json(s)::text FROM nvr_sessions s ORDER BY id") == sessionsBefore)
        }
    }

    @Test func aDisconnectBeforeItsConnectWins() async throws {
        try await self.withNVRs { client, store, repository, nvrs in
            let first = try await store.apply(
                [presence(.disconnected, "nvr-1", v: 4, at: Self.t0 + 3000, reason: "closed")], logger: TestDatabase.logger)
            #expect(first.changedNVRIDs == [nvrs[0].id])
            #expect(try await client.fence("nvr-1") == .init(version: 4, status: .offline))

            let late = try await store.apply([presence(.connected, "nvr-1", v: 4, at: Self.t0)], logger: TestDatabase.logger)
            #expect(late == PresenceApplyResult(changedNVRIDs: [], applied: 0, ignored: 1, unknownHostnames: []))
            let state = try #require(try await repository.states(ids: [nvrs[0].id]).first)
            #expect(state.status == .offline)
            #expect(state.version == 4)
            #expect(state.cameras.allSatisfy { $0.status == .offline && $0.statusReason == "nvr_offline" })

            // The session row was created by the disconnect and its start fixed by the connect.
            let session = try await client.strings(
                """
                SELECT concat_ws(' ', connection_version, gateway_id, (extract(epoch FROM connected_at) * 1000)::bigint,
                    (extract(epoch FROM disconnected_at) * 1000)::bigint, disconnect_reason)
                FROM nvr_sessions WHERE session_id = 'nvr-1-s4'
                """)
            #expect(session == ["4 gw-1 \(Self.t0) \(Self.t0 + 3000) closed"])
        }
    }

    @Test func unknownHostnamesAndSeenEventsAreCounted() async throws {
        try await self.withNVRs { client, store, _, nvrs in
            let result = try await store.apply(
                [
                    presence(.connected, "ghost", v: 1), presence(.seen, "nvr-1", v: 1), presence(.connected, "nvr-2", v: 1),
                    presence(.disconnected, "ghost", v: 1), presence(.connected, "phantom", v: 1),
                ],
                logger: TestDatabase.logger
            )
            #expect(result == PresenceApplyResult(changedNVRIDs: [nvrs[1].id], applied: 1, ignored: 1, unknownHostnames: ["ghost", "phantom"]))
            #expect(try await client.fence("nvr-1") == .init(version: 0, status: .unknown))
            #expect(try await store.apply([presence(.seen, "nvr-1", v: 1)], logger: TestDatabase.logger).ignored == 1)
            #expect(try await store.apply([], logger: TestDatabase.logger) == PresenceApplyResult())
            #expect(try await client.strings("SELECT session_id FROM nvr_sessions") == ["nvr-2-s1"])
        }
    }

    @Test func sessionsRecordStartEndAndReasonOfEveryConnection() async throws {
        try await self.withNVRs { client, store, _, _ in
            _ = try await store.apply(
                [
                    presence(.connected, "nvr-1", v: 1, at: Self.t0),
                    presence(.connected, "nvr-1", v: 2, at: Self.t0 + 10, gateway: "gw-2"),
                ],
                logger: TestDatabase.logger
            )
            // Ignored by the fence (v1 is old), still recorded as the end of session 1.
            _ = try await store.apply([presence(.disconnected, "nvr-1", v: 1, at: Self.t0 + 20, reason: "replaced")], logger: TestDatabase.logger)
            _ = try await store.apply([presence(.disconnected, "nvr-1", v: 2, at: Self.t0 + 30, reason: "silent")], logger: TestDatabase.logger)
            // A redelivered disconnect with another time and reason does not rewrite the end.
            _ = try await store.apply([presence(.disconnected, "nvr-1", v: 2, at: Self.t0 + 99, reason: "closed")], logger: TestDatabase.logger)
            _ = try await store.apply([presence(.connected, "nvr-1", v: 3, at: Self.t0 + 40)], logger: TestDatabase.logger)

            let rows = try await client.strings(
                """
                SELECT concat_ws(' ', session_id, connection_version, gateway_id,
                    (extract(epoch FROM connected_at) * 1000)::bigint - \(Self.t0),
                    coalesce(((extract(epoch FROM disconnected_at) * 1000)::bigint - \(Self.t0))::text, 'open'),
                    disconnect_reason)
                FROM nvr_sessions ORDER BY connected_at
                """)
            #expect(rows == ["nvr-1-s1 1 gw-1 0 20 replaced", "nvr-1-s2 2 gw-2 10 30 silent", "nvr-1-s3 3 gw-1 40 open"])
        }
    }
}
