import LookoutCore
import LookoutStore
import PostgresNIO
import Testing

@Suite("PostgresPresenceStore under concurrency", .timeLimit(.minutes(2)))
struct PresenceConcurrencyTests {
    static let t0: Int64 = 1_700_000_000_000

    /// Two workers on separate clients apply batches over the same 50 NVRs in opposite orders,
    /// while liveness and alert sweeps run too: rows are always locked in hostname order, so
    /// nothing deadlocks.
    @Test func oppositeOrdersDoNotDeadlock() async throws {
        try await TestDatabase.with { db in
            try await db.withClient { first in
                _ = try await PostgresMigrator().migrate(client: first, logger: TestDatabase.logger)
                let repository = PostgresNVRRepository(client: first, logger: TestDatabase.logger)
                let hostnames = (0..<50).map { "nvr-\($0)" }
                for hostname in hostnames {
                    _ = try await repository.create(hostname: hostname, name: "", cameraCount: 2)
                }
                try await db.withClient { second in
                    let a = PostgresPresenceStore(client: first, logger: TestDatabase.logger)
                    let b = PostgresPresenceStore(client: second, logger: TestDatabase.logger)
                    for round in Int64(0)..<20 {
                        let at = Self.t0 + round * 1000
                        let forward = hostnames.flatMap { host in
                            [presence(.connected, host, v: 2 * round + 1, at: at), presence(.disconnected, host, v: 2 * round + 1, at: at + 1)]
                        }
                        let backward = hostnames.reversed().map { presence(.connected, $0, v: 2 * round + 2, at: at + 2) }
                        async let one = a.apply(forward, logger: TestDatabase.logger)
                        async let two = b.apply(backward, logger: TestDatabase.logger)
                        async let seen: Void = b.recordLastSeen(hostnames.reversed().map { ($0, at + 3) })
                        async let alerts = a.takeDueAlerts(grace: .seconds(0), now: at + 5)
                        _ = try await (one, two, seen, alerts)
                    }
                }
                for hostname in hostnames {
                    #expect(try await first.fence(hostname) == .init(version: 40, status: .online))
                }
            }
        }
    }

    /// Two sweepers taking alerts at once get each due NVR exactly once between them.
    @Test func dueAlertsAreTakenOnce() async throws {
        try await TestDatabase.with { db in
            try await db.withClient { first in
                _ = try await PostgresMigrator().migrate(client: first, logger: TestDatabase.logger)
                let repository = PostgresNVRRepository(client: first, logger: TestDatabase.logger)
                let hostnames = (0..<40).map { "nvr-\($0)" }
                for hostname in hostnames {
                    _ = try await repository.create(hostname: hostname, name: "", cameraCount: 0)
                }
                _ = try await repository.create(hostname: "always-on", name: "", cameraCount: 0)
                let a = PostgresPresenceStore(client: first, logger: TestDatabase.logger)
                _ = try await a.apply(
                    hostnames.map { presence(.disconnected, $0, v: 1, at: Self.t0) } + [presence(.connected, "always-on", v: 1, at: Self.t0)],
                    logger: TestDatabase.logger
                )
                #expect(try await a.takeDueAlerts(grace: .seconds(30), now: Self.t0 + 29_999).isEmpty, "within the flap grace")

                try await db.withClient { second in
                    let b = PostgresPresenceStore(client: second, logger: TestDatabase.logger)
                    async let fromA = a.takeDueAlerts(grace: .seconds(30), now: Self.t0 + 60_000)
                    async let fromB = b.takeDueAlerts(grace: .seconds(30), now: Self.t0 + 60_000)
                    let (takenA, takenB) = try await (fromA, fromB)
                    let all = (takenA + takenB).map(\.hostname)
                    #expect(all.count == hostnames.count)
                    #expect(Set(all) == Set(hostnames))
                    #expect((takenA + takenB).allSatisfy { $0.offlineSince == Self.t0 })
                    #expect(try await b.takeDueAlerts(grace: .seconds(30), now: Self.t0 + 120_000).isEmpty, "alerted once per period")
                }

                // A new offline period alerts again, once.
                _ = try await a.apply(
                    [presence(.connected, "nvr-7", v: 2, at: Self.t0 + 100_000), presence(.disconnected, "nvr-7", v: 2, at: Self.t0 + 110_000)],
                    logger: TestDatabase.logger
                )
                let again = try await a.takeDueAlerts(grace: .seconds(30), now: Self.t0 + 200_000)
                #expect(again.map(\.hostname) == ["nvr-7"])
                #expect(again.first?.offlineSince == Self.t0 + 110_000)
                #expect(try await a.takeDueAlerts(grace: .seconds(30)).isEmpty, "with the database clock")
            }
        }
    }
}
