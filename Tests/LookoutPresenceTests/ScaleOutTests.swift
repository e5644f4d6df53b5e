import Foundation
import LookoutCore
import LookoutTestSupport
import Testing

/// Several gateways and workers: every dashboard sees every change, catch-up is exact, and a
/// worker that dies holding entries loses nothing.
@Suite(.serialized) struct ScaleOutTests {
    @Test func dashboardsSeeChangesFromEveryGatewayAndCatchUpExactly() async throws {
        let system = try await LookoutSystem.start(heartbeatSeconds: 10)
        try await withTeardown({ await system.shutdown() }) {
            let tokenB = try await system.addNVR("nvr-on-b")
            let key = try await system.addAPIKey()
            let (_, portA) = try await system.startGateway(name: "gateway-a")
            let (_, portB) = try await system.startGateway(name: "gateway-b")
            try await system.startWorker(name: "worker-1")
            try await system.startWorker(name: "worker-2")

            let (dashboard, snapshot) = await connectDashboard(port: portA, key: key)
            let snapshotSeq = try #require(snapshot?.seq)
            let (nvr, _) = await connectNVR(port: portB, hostname: "nvr-on-b", token: tokenB)
            let online = try #require(await waitForNVR(dashboard, hostname: "nvr-on-b", status: "online"), "\(system.logs)")
            let seenSeq = try #require(online.seq)
            #expect(seenSeq > snapshotSeq)

            // The dashboard goes away; three changes happen; it comes back with its last sequence.
            dashboard.close()
            nvr.close()
            #expect(try await waitForRow(system, "nvr-on-b", "offline|1"))
            let (again, _) = await connectNVR(port: portB, hostname: "nvr-on-b", token: tokenB)
            #expect(try await waitForRow(system, "nvr-on-b", "online|2"))
            again.close()
            #expect(try await waitForRow(system, "nvr-on-b", "offline|2"))
            try await Task.sleep(for: .milliseconds(300))
            let newest = Int64(try await redisSequence(system))

            let (back, first) = await connectDashboard(port: portB, key: key, lastSeq: seenSeq)
            var missed: [[String: Any]] = first.map { [$0] } ?? []
            while let next = await back.receiveJSON(within: .seconds(1)) { missed.append(next) }
            #expect(missed.first?["type"] as? String != "snapshot", "caught up from history, no snapshot")
            #expect(missed.compactMap(\.seq) == Array((seenSeq + 1)...newest), "exactly the missed notifications, in order")
            let statuses = missed.compactMap { ($0["nvr"] as? [String: Any])?["status"] as? String }
            #expect(statuses.last == "offline")

            // Too far back (the history does not reach): a fresh snapshot instead.
            let (stale, staleFirst) = await connectDashboard(port: portA, key: key, lastSeq: newest + 1000)
            #expect(staleFirst?["type"] as? String == "snapshot")
            #expect(staleFirst?.seq == newest)
            stale.close()
        }
    }

    @Test func entriesHeldByADeadWorkerAreClaimedAndAppliedOnce() async throws {
        let system = try await LookoutSystem.start(heartbeatSeconds: 10)
        try await withTeardown({ await system.shutdown() }) {
            for index in 0..<20 { _ = try await system.addNVR("nvr-\(index)", cameras: 0) }
            // A worker reads a batch and dies before acknowledging it: simulated by a consumer that
            // takes the entries and does nothing more.
            let redis = try RedisCLI(url: try TestEnvironment.redisURL)
            let stream = RedisKeys(prefix: system.prefix).presenceStream
            try await redis.run(["XGROUP", "CREATE", stream, "presence-workers", "0", "MKSTREAM"])
            for index in 0..<20 {
                try await redis.run([
                    "XADD", stream, "*", "type", "connected", "host", "nvr-\(index)", "v", "1", "session", "s-\(index)", "gw", "gw-test", "at",
                    "1700000000000",
                ])
            }
            try await redis.run(["XADD", stream, "*", "type", "nonsense"])
            try await redis.run(["XREADGROUP", "GROUP", "presence-workers", "dead-worker", "COUNT", "100", "STREAMS", stream, ">"])

            try await system.startWorker(name: "survivor")
            // claimIdle is 2 s in the test worker file.
            let allOnline = try await eventually(timeout: .seconds(10)) {
                try await system.database.query("SELECT count(*) FROM nvrs WHERE status = 'online'") == "20"
            }
            #expect(allOnline, "\(system.logs)")
            #expect(try await eventually(timeout: .seconds(5)) { try await redis.run(["XPENDING", stream, "presence-workers"]).hasPrefix("0") })
            // The malformed entry went to the dead-letter stream with its error.
            let dead = try await redis.run(["XRANGE", stream + ":dead", "-", "+"])
            #expect(dead.contains("presence event field 'type': unknown 'nonsense'"), "\(dead)")

            // Delivering the same events again changes nothing.
            let before = try await system.database.query("SELECT string_agg(status || connection_version || status_changed_at, ',' ORDER BY id) FROM nvrs")
            for index in 0..<20 {
                try await redis.run([
                    "XADD", stream, "*", "type", "connected", "host", "nvr-\(index)", "v", "1", "session", "s-\(index)", "gw", "gw-test", "at",
                    "1700000009999",
                ])
            }
            try await Task.sleep(for: .seconds(1.5))
            #expect(try await system.database.query("SELECT string_agg(status || connection_version || status_changed_at, ',' ORDER BY id) FROM nvrs") == before)
        }
    }

    @Test func aWorkerKilledMidStreamLosesNothing() async throws {
        let system = try await LookoutSystem.start(heartbeatSeconds: 10)
        try await withTeardown({ await system.shutdown() }) {
            let count = 200
            for index in 0..<count { _ = try await system.database.query("INSERT INTO nvrs (hostname) VALUES ('nvr-\(index)')") }
            let doomed = try await system.startWorker(name: "doomed", files: ["presence.yml": "kind: presence\nblock: 200ms\nclaimIdle: 2s\nbatchSize: 5\n"])
            try await system.startWorker(name: "survivor", files: ["presence.yml": "kind: presence\nblock: 200ms\nclaimIdle: 2s\nbatchSize: 5\n"])
            let redis = try RedisCLI(url: try TestEnvironment.redisURL)
            let stream = RedisKeys(prefix: system.prefix).presenceStream
            // Each NVR connects (v1) and disconnects (v1) and connects again (v2): final state online|2.
            var script = ""
            for index in 0..<count {
                for (kind, version) in [("connected", 1), ("disconnected", 1), ("connected", 2)] {
                    script += "XADD \(stream) * type \(kind) host nvr-\(index) v \(version) session s-\(index)-\(version) gw gw at 1700000000000\n"
                }
            }
            try await redis.pipe(script)
            try await Task.sleep(for: .milliseconds(300))
            await doomed.kill()
            let done = try await eventually(timeout: .seconds(20)) {
                try await system.database.query("SELECT count(*) FROM nvrs WHERE status = 'online' AND connection_version = 2") == "\(count)"
            }
            #expect(done, "\(system.logs)")
            #expect(try await eventually(timeout: .seconds(5)) { try await redis.run(["XPENDING", stream, "presence-workers"]).hasPrefix("0") })
        }
    }

    private func redisSequence(_ system: LookoutSystem) async throws -> Int {
        Int(try await RedisCLI(url: try TestEnvironment.redisURL).run(["GET", RedisKeys(prefix: system.prefix).notifySequence]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}
