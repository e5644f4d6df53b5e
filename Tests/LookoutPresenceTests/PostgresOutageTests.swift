import Foundation
import LookoutTestSupport
import Testing

/// PostgreSQL refusing writes, stopped, and an entry it refuses by itself (issue 12, item 2):
/// valid presence entries are never dead-lettered for an outage, everything held is applied
/// after it, and workers apply again within seconds of PostgreSQL being ready.
/// Off in `make test` unless LOOKOUT_TEST_PG_OUTAGE=1: in one of three full runs a test here hung
/// (over 13 min) in the private PostgreSQL's process handling (a Foundation `Process` whose
/// daemonizing shell is never reaped), and a hang fails the whole CI run. `make chaos` covers the
/// same faults (PostgreSQL restarted, down 3 minutes) on every run of the matrix.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["LOOKOUT_TEST_PG_OUTAGE"] == "1"))
struct PostgresOutageTests {
    /// Read-only 12 s (fast failures: before the fix every retry counted as a delivery, so
    /// valid entries were dead-lettered after 5), then stopped 25 s.
    @Test func outagesKeepPresenceEntriesAndWorkersApplyWithinSecondsOfTheReturn() async throws {
        try await runOutage(readOnlyFor: .seconds(12), stoppedFor: .seconds(25))
    }

    /// Stopped long enough (80 s) for PostgresNIO's pool to trip its circuit breaker (it opens
    /// after 60 s of failed connection attempts and then only one retry runs, up to 60 s apart):
    /// before the fix workers failed for ~30 s after the return and dead-lettered valid entries.
    /// Long, so it runs only with LOOKOUT_TEST_LONG=1 (`make chaos` covers the same fault).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["LOOKOUT_TEST_LONG"] == "1"))
    func anOutagePastThePoolsCircuitBreaker() async throws {
        try await runOutage(readOnlyFor: nil, stoppedFor: .seconds(80))
    }

    /// A batch with an entry PostgreSQL refuses by itself (a time out of range: SQLSTATE 22008):
    /// the others and newer ones go through at once; only that entry is dead-lettered.
    @Test func anEntryTheDatabaseRefusesIsDeadLetteredAloneAndHoldsNothingUp() async throws {
        let system = try await LookoutSystem.start(heartbeatSeconds: 30)
        try await withTeardown({ await system.shutdown() }) {
            for index in 1...4 { _ = try await system.addNVR("nvr-\(index)", cameras: 0) }
            let redis = try RedisCLI(url: try TestEnvironment.redisURL)
            let stream = system.prefix + "presence"
            func connected(_ host: String, at: String) -> String {
                "XADD \(stream) * type connected host \(host) v 1 session s-\(host) gw gw-test at \(at)\n"
            }
            try await redis.pipe(connected("nvr-1", at: "1700000000000") + connected("nvr-2", at: "9223372036854775807") + connected("nvr-3", at: "1700000000000"))
            try await system.startWorker()
            let othersApplied = try await eventually(timeout: .seconds(8)) {
                let (first, third) = (try await system.nvrRow("nvr-1"), try await system.nvrRow("nvr-3"))
                return first == "online|1" && third == "online|1"
            }
            #expect(othersApplied, "\(system.logs)")
            try await redis.pipe(connected("nvr-4", at: "1700000000000"))
            #expect(try await waitForRow(system, "nvr-4", "online|1", within: .seconds(5)), "a newer event waits behind nothing")
            let dead = try await eventually(timeout: .seconds(10)) { try await redis.run(["XLEN", stream + ":dead"]).hasPrefix("1") }
            #expect(dead, "\(system.logs)")
            let letter = try await redis.run(["XRANGE", stream + ":dead", "-", "+"])
            #expect(letter.contains("nvr-2") && letter.contains("22008"), "\(letter)")
            #expect(try await system.nvrRow("nvr-2") == "unknown|0")
            #expect(try await eventually(timeout: .seconds(5)) { try await redis.run(["XPENDING", stream, "presence-workers"]).hasPrefix("0") })
        }
    }
}

/// One outage on a private PostgreSQL: optionally read-only first, then stopped and restarted.
private func runOutage(readOnlyFor: Duration?, stoppedFor: Duration) async throws {
    let postgres = try PostgresServerProcess()
    try await withTeardown({ await postgres.shutdown() }) {
        try await postgres.start()
        let system = try await LookoutSystem.start(heartbeatSeconds: 60, databaseAdminURL: postgres.url)
        try await withTeardown({ await system.shutdown() }) {
            let tokens = [
                "nvr-a": try await system.addNVR("nvr-a"), "nvr-b": try await system.addNVR("nvr-b"), "nvr-c": try await system.addNVR("nvr-c"),
            ]
            let (_, port) = try await system.startGateway()
            try await system.startWorker()
            let redis = try RedisCLI(url: try TestEnvironment.redisURL)
            let dead = system.prefix + "presence:dead"
            let (a, _) = await connectNVR(port: port, hostname: "nvr-a", token: tokens["nvr-a"])
            let (b, _) = await connectNVR(port: port, hostname: "nvr-b", token: tokens["nvr-b"])
            #expect(try await waitForRow(system, "nvr-a", "online|1", within: .seconds(10)), "\(system.logs)")
            #expect(try await waitForRow(system, "nvr-b", "online|1"))

            if let readOnlyFor {
                // PostgreSQL up but refusing writes (a standby after a failover, a primary set read-only).
                try await postgres.psql("ALTER SYSTEM SET default_transaction_read_only = on")
                try await postgres.psql("SELECT pg_reload_conf()")
                a.close()
                try await Task.sleep(for: readOnlyFor)  // the fault's length, not a wait for a state
                #expect(try await redis.run(["XLEN", dead]).hasPrefix("0"), "valid entries dead-lettered during the fault: \(system.logs)")
                #expect(try await system.nvrRow("nvr-a") == "online|1", "nothing applied while read-only")
                try await postgres.psql("ALTER SYSTEM RESET default_transaction_read_only")
                try await postgres.psql("SELECT pg_reload_conf()")
                #expect(try await waitForRow(system, "nvr-a", "offline|1", within: .seconds(5)), "\(system.logs)")
            } else {
                a.close()
                #expect(try await waitForRow(system, "nvr-a", "offline|1"))
            }

            try await postgres.stop()
            b.close()
            try await Task.sleep(for: stoppedFor)  // the fault's length
            try await postgres.start()
            let ready = ContinuousClock.now
            let (c, _) = await connectNVR(port: port, hostname: "nvr-c", token: tokens["nvr-c"])
            let online = try await waitForRow(system, "nvr-c", "online|1", within: .seconds(8))
            let recovery = ContinuousClock.now - ready
            print("PostgreSQL stopped \(stoppedFor): NVR connecting after the return online in PostgreSQL \(recovery) after it was ready")
            #expect(online, "\(system.logs)")
            #expect(recovery < .seconds(5), "workers apply again within seconds of PostgreSQL being ready, took \(recovery)")
            #expect(try await waitForRow(system, "nvr-b", "offline|1", within: .seconds(5)), "the event held through the outage is applied")
            #expect(try await redis.run(["XLEN", dead]).hasPrefix("0"), "no dead letters: \(system.logs)")
            c.close()
        }
    }
}
