import LookoutCore
import LookoutStore
import PostgresNIO
import Testing

@Suite("PostgresPresenceStore liveness and online list", .timeLimit(.minutes(1)))
struct PresenceSweeperTests {
    static let t0: Int64 = 1_700_000_000_000

    @Test func recordLastSeenNeverMovesBack() async throws {
        try await TestDatabase.withMigrated { client in
            let repository = PostgresNVRRepository(client: client, logger: TestDatabase.logger)
            let store = PostgresPresenceStore(client: client, logger: TestDatabase.logger)
            let a = try await repository.create(hostname: "a", name: "", cameraCount: 0).nvr
            let b = try await repository.create(hostname: "b", name: "", cameraCount: 0).nvr

            try await store.recordLastSeen([("a", Self.t0 + 100), ("ghost", Self.t0)])
            try await store.recordLastSeen([("a", Self.t0 + 50), ("b", Self.t0 + 200), ("b", Self.t0 + 150)])
            try await store.recordLastSeen([])
            var states = try await repository.states(ids: [a.id, b.id])
            #expect(states.map(\.lastSeenAt) == [Self.t0 + 100, Self.t0 + 200])

            // An applied connect older than the stored last-seen does not move it back either.
            _ = try await store.apply([presence(.connected, "a", v: 1, at: Self.t0 + 10)], logger: TestDatabase.logger)
            try await store.recordLastSeen([("a", Self.t0 + 300)])
            states = try await repository.states(ids: [a.id, b.id])
            #expect(states.map(\.lastSeenAt) == [Self.t0 + 300, Self.t0 + 200])
            #expect(states[0].status == .online, "liveness does not change the status")
        }
    }

    @Test func onlineNVRsListsTheConnectionOfEachOnlineNVR() async throws {
        try await TestDatabase.withMigrated { client in
            let repository = PostgresNVRRepository(client: client, logger: TestDatabase.logger)
            let store = PostgresPresenceStore(client: client, logger: TestDatabase.logger)
            let b = try await repository.create(hostname: "b", name: "", cameraCount: 0).nvr
            let a = try await repository.create(hostname: "a", name: "", cameraCount: 0).nvr
            _ = try await repository.create(hostname: "c", name: "", cameraCount: 0)
            _ = try await store.apply(
                [
                    presence(.connected, "b", v: 3, at: Self.t0, gateway: "gw-b"), presence(.connected, "a", v: 1, at: Self.t0 + 1),
                    presence(.connected, "c", v: 1), presence(.disconnected, "c", v: 1),
                ],
                logger: TestDatabase.logger
            )
            #expect(
                try await store.onlineNVRs() == [
                    OnlineNVR(id: a.id, hostname: "a", version: 1, sessionID: "a-s1", gatewayID: "gw-1", statusChangedAt: Self.t0 + 1),
                    OnlineNVR(id: b.id, hostname: "b", version: 3, sessionID: "b-s3", gatewayID: "gw-b", statusChangedAt: Self.t0),
                ]
            )
        }
    }
}
