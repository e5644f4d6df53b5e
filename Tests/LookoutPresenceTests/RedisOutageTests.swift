import Foundation
import LookoutTestSupport
import Testing

/// Presence through Redis outages, on a private Redis of each test's own: frozen (SIGSTOP, as a
/// hung or swapped-out server) and restarted empty. 2 s heartbeats, 2 s Redis command timeout.
/// docs/reliability.md, "Redis outages and data loss: presence".
@Suite(.serialized) struct RedisOutageTests {
    static let staying = ["nvr-1", "nvr-2", "nvr-3"]

    @Test func nvrsConnectedThroughAFrozenRedisStayOnlineAndADisconnectDuringItArrivesAfter() async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        let system = try await LookoutSystem.start(environment: Self.environment(redis))
        try await withTeardown({ await Self.stop(system, redis) }) {
            var tokens: [String: String] = [:]
            for hostname in Self.staying + ["nvr-leaving", "nvr-new"] { tokens[hostname] = try await system.addNVR(hostname, cameras: 1) }
            let (gateway, port) = try await system.startGateway()
            try await system.startWorker()
            var sockets: [TestSocket] = []
            for hostname in Self.staying { sockets.append(await connectNVR(port: port, hostname: hostname, token: tokens[hostname]).socket) }
            let (leaving, _) = await connectNVR(port: port, hostname: "nvr-leaving", token: tokens["nvr-leaving"])
            for hostname in Self.staying + ["nvr-leaving"] { #expect(try await waitForRow(system, hostname, "online|1")) }
            let pump = Self.heartbeats(sockets + [leaving], every: .seconds(1))
            try await withTeardown({ pump.cancel() }) {
                redis.pause()
                let paused = ContinuousClock.now
                var offline = Set<String>()
                // A new NVR cannot take a version now: refused with 1013, to retry later.
                let newcomer = TestSocket(port: port)
                newcomer.send(json: ["type": "auth", "hostname": "nvr-new", "token": tokens["nvr-new"]!])
                #expect(await newcomer.closeCode(within: .seconds(5)) == 1013)
                // An agent that goes away during the outage.
                leaving.close()
                while ContinuousClock.now - paused < .seconds(15) {
                    offline.formUnion(try await Self.notOnline(system))
                    try await Task.sleep(for: .milliseconds(250))
                }
                redis.resume()
                let resumed = ContinuousClock.now
                let resumedAt = Date().timeIntervalSince1970
                // Its `disconnected` arrives now, not the sweeper's "expired": kept by the gateway, or
                // run by Redis when it resumed (a command that timed out may still sit in its buffer).
                #expect(try await waitForRow(system, "nvr-leaving", "offline|1", within: .seconds(5)), "\(system.logs)")
                print("Redis resumed → kept disconnect applied: \(ContinuousClock.now - resumed)")
                let reason = try await system.database.query(
                    "SELECT s.disconnect_reason FROM nvr_sessions s JOIN nvrs n ON n.id = s.nvr_id WHERE n.hostname = 'nvr-leaving'")
                #expect(reason == "closed")
                // Three heartbeat intervals after Redis is back: the sweeper's grace is over.
                while ContinuousClock.now - resumed < .seconds(6) {
                    offline.formUnion(try await Self.notOnline(system))
                    try await Task.sleep(for: .milliseconds(250))
                }
                #expect(offline.isEmpty, "read offline at some time: \(offline.sorted())\n\(system.logs)")
                for hostname in Self.staying { #expect(try await system.nvrRow(hostname) == "online|1") }
                for socket in sockets { #expect(await socket.closeCode(within: .milliseconds(100)) == nil, "a connected NVR was closed") }
                #expect(!gateway.log.contains("Closing silent"))
                // Heartbeats kept through the outage reach last_seen_at.
                let advanced = try await eventually(timeout: .seconds(8), every: .milliseconds(250)) {
                    try await system.database.query(
                        "SELECT count(*) FROM nvrs WHERE hostname IN ('nvr-1', 'nvr-2', 'nvr-3') AND last_seen_at > to_timestamp(\(resumedAt))") == "3"
                }
                #expect(advanced, "last_seen_at did not advance after the outage")
                #expect(!gateway.log.contains("re-announcing"), "a pause is not a data loss")
            }
        }
    }

    @Test func nvrsAreOnlineAgainWithNewerVersionsWhenRedisRestartsEmpty() async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        let system = try await LookoutSystem.start(environment: Self.environment(redis))
        try await withTeardown({ await Self.stop(system, redis) }) {
            var tokens: [String: String] = [:]
            for hostname in Self.staying + ["nvr-leaving"] { tokens[hostname] = try await system.addNVR(hostname, cameras: 1) }
            let (gateway, port) = try await system.startGateway()
            try await system.startWorker()
            var sockets: [TestSocket] = []
            for hostname in Self.staying { sockets.append(await connectNVR(port: port, hostname: hostname, token: tokens[hostname]).socket) }
            let (leaving, _) = await connectNVR(port: port, hostname: "nvr-leaving", token: tokens["nvr-leaving"])
            for hostname in Self.staying + ["nvr-leaving"] { #expect(try await waitForRow(system, hostname, "online|1")) }
            // At the heartbeat interval, as agents do, each at its own phase: after the restart the
            // liveness set fills over a whole interval.
            var pumps: [Task<Void, Never>] = []
            for (index, socket) in (sockets + [leaving]).enumerated() {
                pumps.append(Self.heartbeats([socket], every: .seconds(2), after: .milliseconds(500 * index)))
            }
            try await withTeardown({ for pump in pumps { pump.cancel() } }) {
                try await Task.sleep(for: .seconds(2))
                await redis.kill()
                // An agent that goes away while Redis is down: its `disconnected` waits in the gateway.
                leaving.close()
                let waiting = await eventually(timeout: .seconds(5)) { gateway.log.contains("the event waits for Redis") }
                #expect(waiting, "\(gateway.log)")
                try await redis.start()
                let restarted = ContinuousClock.now
                var offline = Set<String>()
                var announcedAgain = false
                while ContinuousClock.now - restarted < .seconds(10) {
                    offline.formUnion(try await Self.notOnline(system))
                    let rows = try await system.database.query("SELECT count(*) FROM nvrs WHERE status = 'online' AND connection_version >= 2")
                    if !announcedAgain && rows == "3" {
                        announcedAgain = true
                        print("Redis restarted empty → every NVR announced again: \(ContinuousClock.now - restarted)")
                    }
                    try await Task.sleep(for: .milliseconds(200))
                }
                #expect(announcedAgain, "\(system.logs)")
                #expect(try await system.nvrRow("nvr-leaving") == "offline|1")
                let reason = try await system.database.query(
                    "SELECT s.disconnect_reason FROM nvr_sessions s JOIN nvrs n ON n.id = s.nvr_id WHERE n.hostname = 'nvr-leaving'")
                #expect(reason == "closed", "its kept event, not the sweeper's expiry")
                #expect(offline.isEmpty, "read offline at some time: \(offline.sorted())\n\(system.logs)")
                for socket in sockets { #expect(await socket.closeCode(within: .milliseconds(100)) == nil, "a connected NVR was closed") }
                // A reconnect after the loss still takes a version above the stored one.
                let stored = try await system.nvrRow("nvr-1")
                sockets[0].close()
                _ = await sockets[0].closeCode()
                let (again, _) = await connectNVR(port: port, hostname: "nvr-1", token: tokens["nvr-1"])
                let storedVersion = Int(stored.split(separator: "|").last ?? "") ?? 0
                let newer = try await eventually(timeout: .seconds(5), every: .milliseconds(50)) {
                    try await system.database.query(
                        "SELECT count(*) FROM nvrs WHERE hostname = 'nvr-1' AND status = 'online' AND connection_version > \(storedVersion)") == "1"
                }
                let now = try await system.nvrRow("nvr-1")
                #expect(newer, "after \(stored): \(now)")
                again.close()
            }
        }
    }

    static func environment(_ redis: RedisServerProcess) -> [String: String] {
        ["LOOKOUT_REDIS_URL": redis.url, "LOOKOUT_REDIS_COMMAND_TIMEOUT": "2"]
    }

    static func stop(_ system: LookoutSystem, _ redis: RedisServerProcess) async {
        redis.resume()
        await system.shutdown()
        await redis.kill()
    }

    /// The staying NVRs PostgreSQL does not show online now.
    static func notOnline(_ system: LookoutSystem) async throws -> [String] {
        let text = try await system.database.query(
            "SELECT hostname FROM nvrs WHERE hostname IN ('nvr-1', 'nvr-2', 'nvr-3') AND status <> 'online' ORDER BY hostname")
        return text.split(separator: "\n").map(String.init)
    }

    /// Sends a heartbeat on each socket every `every` (first after `after`) until cancelled.
    static func heartbeats(_ sockets: [TestSocket], every: Duration, after: Duration = .zero) -> Task<Void, Never> {
        Task {
            try? await Task.sleep(for: after)
            while !Task.isCancelled {
                for socket in sockets { socket.send(json: ["type": "heartbeat"]) }
                try? await Task.sleep(for: every)
            }
        }
    }
}
