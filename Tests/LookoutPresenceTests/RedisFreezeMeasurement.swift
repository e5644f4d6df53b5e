import Foundation
import LookoutTestSupport
import Testing

/// The scenario at its own size, for docs/reliability.md's figures: 40 simulated NVRs
/// (10 s heartbeats, 5 s Redis command timeout) through a 60 s freeze of a private Redis. Two
/// minutes long, so off by default: `LOOKOUT_MEASURE_FREEZE=1 scripts/test.sh --filter RedisFreezeMeasurement`.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["LOOKOUT_MEASURE_FREEZE"] != nil))
struct RedisFreezeMeasurement {
    @Test func fortyNVRsThroughASixtySecondFreeze() async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        let system = try await LookoutSystem.start(heartbeatSeconds: 10, environment: ["LOOKOUT_REDIS_URL": redis.url])
        try await withTeardown({ await Self.stop(system, redis) }) {
            let tokenFile = NSTemporaryDirectory() + "\(system.prefix.dropLast())-tokens"
            for index in 0..<40 {
                let result = try await system.cli(["nvr", "add", "--hostname", "sim-\(index)", "--cameras", "1", "--token-file", tokenFile])
                #expect(result.status == 0, "\(result.stderr)")
            }
            let (gateway, port) = try await system.startGateway()
            try await system.startWorker(files: ["presence.yml": "kind: presence\n", "sweeper.yml": "kind: sweeper\n"])
            let fleet = try LookoutProcess(
                name: "fleet", arguments: ["simulate", "nvrs", "--count", "40", "--gateway", "ws://127.0.0.1:\(port)/ws", "--token-file", tokenFile],
                environment: system.environment)
            try await withTeardown({ await fleet.stop() }) {
                #expect(try await eventually(timeout: .seconds(20)) { try await Self.online(system) == 40 })
                try await Task.sleep(for: .seconds(12))  // a full heartbeat interval in the liveness set
                redis.pause()
                let paused = ContinuousClock.now
                var minOnline = 40
                while ContinuousClock.now - paused < .seconds(60) {
                    minOnline = min(minOnline, try await Self.online(system))
                    try await Task.sleep(for: .milliseconds(500))
                }
                redis.resume()
                let resumed = ContinuousClock.now
                let resumedAt = Date().timeIntervalSince1970
                // 2.5 heartbeat intervals: the sweeper's grace and more.
                while ContinuousClock.now - resumed < .seconds(25) {
                    minOnline = min(minOnline, try await Self.online(system))
                    try await Task.sleep(for: .milliseconds(500))
                }
                let sessions = try await system.database.query("SELECT count(*) FROM nvr_sessions")
                let seen = try await system.database.query("SELECT count(*) FROM nvrs WHERE last_seen_at > to_timestamp(\(resumedAt))")
                // Closed for silence, by the watchdog or by the hub on an offline of its own version (4005).
                let closes = gateway.log.components(separatedBy: "lookout.nvr.reason=silent").count - 1
                print("Redis frozen 60 s, 40 NVRs: fewest online \(minOnline), sessions \(sessions), last_seen after it \(seen), closed as silent (4005) \(closes)")
                #expect(minOnline == 40)
                #expect(sessions == "40", "no NVR reconnected")
                #expect(seen == "40")
                #expect(closes == 0)
            }
        }
    }

    static func online(_ system: LookoutSystem) async throws -> Int {
        Int(try await system.database.query("SELECT count(*) FROM nvrs WHERE status = 'online'")) ?? 0
    }

    static func stop(_ system: LookoutSystem, _ redis: RedisServerProcess) async {
        redis.resume()
        await system.shutdown()
        await redis.kill()
    }
}
