import Foundation
import LookoutCore
import LookoutTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Gateways behind a real HAProxy, configured from `deploy/haproxy/haproxy.cfg.template`: a
/// fleet of NVRs and two dashboards connect through it, then the three gateways are restarted
/// one at a time (SIGTERM, wait for the exit, start again on the same port, wait until HAProxy
/// holds it up). Every NVR moves to the other gateways and none is recorded offline: no status
/// change, no alert, no session ended otherwise than `drained`; each dashboard's sequence has
/// no gap; `/api/stats` through HAProxy adds up to the fleet. docs/architecture.md, "Draining".
@Suite(.serialized) struct RollingRestartTests {
    static let fleet = 200

    @Test(.timeLimit(.minutes(2))) func aRollingRestartBehindHAProxyMovesEveryNVRWithoutAnOffline() async throws {
        let system = try await LookoutSystem.start(
            heartbeatSeconds: 5, environment: ["LOOKOUT_DRAIN_WINDOW": "2", "LOOKOUT_TRUSTED_PROXIES": "127.0.0.1"])
        try await withTeardown({ await system.shutdown() }) {
            let tokenFile = try await Self.addFleet(system, count: Self.fleet)
            let key = try await system.addAPIKey()
            var gateways: [Int] = []
            for index in 1...3 { gateways.append(try await system.startGateway(name: "gateway-\(index)").port) }
            try await system.startWorker()
            let proxy = try await HAProxyProcess.start(gateways: gateways)
            let dashboards = [DashboardFollower(port: proxy.port, key: key), DashboardFollower(port: proxy.port, key: key)]
            let following = dashboards.map { dashboard in Task { await dashboard.run() } }
            var agents: LookoutProcess?
            try await withTeardown({
                // Agents and dashboards first, so the gateways' own shutdown has nothing to drain.
                await agents?.stop()
                for dashboard in dashboards { dashboard.stop() }
                for task in following { await task.value }
                await proxy.stop()
            }) {
                #expect(await eventually(timeout: .seconds(10)) { await proxy.upServers().count == 3 }, "\(proxy.log)")
                agents = try system.startProcess(
                    name: "fleet",
                    arguments: ["simulate", "nvrs", "--count", String(Self.fleet), "--gateway", "ws://127.0.0.1:\(proxy.port)/ws", "--token-file", tokenFile])
                let connected = try await eventually(timeout: .seconds(20), every: .milliseconds(200)) { try await Self.online(system) == Self.fleet }
                try #require(connected, "\(system.logs)")
                let firstOnline = try await system.database.query("SELECT max(status_changed_at) FROM nvrs")
                #expect(try await eventually(timeout: .seconds(10)) { try await Self.stats(proxy, key).connections == Self.fleet })

                var moves: [Duration] = []
                for (index, port) in gateways.enumerated() {
                    let before = try await Self.stats(proxy, key).gateways
                    let process = system.processes.last { $0.name.hasPrefix("gateway-\(index + 1)") && $0.isRunning }!
                    let started = ContinuousClock.now
                    await process.stop()
                    // Its stats key is gone: the one missing is the stopped gateway's id.
                    let after = try await Self.stats(proxy, key).gateways
                    let stopped = try #require(before.subtracting(after).first, "before \(before), after \(after)")
                    let moved = try await eventually(timeout: .seconds(10), every: .milliseconds(50)) {
                        try await system.database.query(
                            "SELECT count(*) FROM nvrs WHERE status = 'online' AND gateway_id <> '\(stopped)'") == String(Self.fleet)
                    }
                    moves.append(ContinuousClock.now - started)
                    #expect(moved, "every NVR of \(stopped) moved to another gateway\n\(system.logs)")
                    try await system.startGateway(name: "gateway-\(index + 1)-again", port: port)
                    let ready = await eventually(timeout: .seconds(10), every: .milliseconds(100)) {
                        guard await Self.get("http://127.0.0.1:\(port)/readyz")?.status == 200 else { return false }
                        return await proxy.upServers().count == 3
                    }
                    #expect(ready, "gateway \(index + 1) back behind HAProxy")
                }
                print("Rolling restart of 3 gateways, \(Self.fleet) NVRs, drain window 2 s: SIGTERM to all moved \(moves)")

                // Every NVR connected at the end, /api/stats through HAProxy adds up to the fleet.
                let total = try await eventually(timeout: .seconds(10), every: .milliseconds(200)) {
                    let stats = try await Self.stats(proxy, key)
                    return stats.connections == Self.fleet && stats.hostnames == Self.fleet && stats.gateways.count == 3
                }
                let finalStats = try await Self.stats(proxy, key)
                #expect(total, "\(finalStats)")
                #expect(try await Self.online(system) == Self.fleet)
                // Nothing recorded offline: no status change since the first connections, no
                // alert, every ended session `drained`, and every NVR moved at least once.
                #expect(try await system.database.query("SELECT max(status_changed_at) FROM nvrs") == firstOnline)
                #expect(try await system.database.query("SELECT count(*) FROM nvrs WHERE alerted_at IS NOT NULL") == "0")
                let sessionsDrained = try await eventually(timeout: .seconds(5), every: .milliseconds(100)) {
                    try await system.database.query("SELECT count(DISTINCT nvr_id) FROM nvr_sessions WHERE disconnect_reason = 'drained'")
                        == String(Self.fleet)
                }
                #expect(sessionsDrained)
                let otherEnds = try await system.database.query(
                    "SELECT coalesce(string_agg(DISTINCT disconnect_reason, ','), '') FROM nvr_sessions WHERE disconnect_reason <> 'drained'")
                #expect(otherEnds == "", "sessions ended otherwise than drained: \(otherEnds)")

                // Each dashboard got every notification, in order, across its moves.
                let newest = try await Self.notifySequence(system)
                #expect(await eventually(timeout: .seconds(5)) { dashboards.allSatisfy { $0.snapshot.lastSeq == newest } })
                for (index, dashboard) in dashboards.enumerated() {
                    let record = dashboard.snapshot
                    #expect(record.isGapFree, "dashboard \(index): snapshots \(record.snapshots), \(record.seqs.count) notifications")
                    #expect(!record.closes.isEmpty && record.closes.allSatisfy { $0 == 1012 }, "dashboard \(index) closes \(record.closes)")
                    #expect(record.offline.isEmpty, "dashboard \(index) saw offline: \(Set(record.offline).sorted().prefix(10))")
                    #expect(record.alerts == 0)
                }
            }
        }
    }

    /// `count` NVRs without cameras, in one statement, and their token file for the simulator.
    static func addFleet(_ system: LookoutSystem, count: Int) async throws -> String {
        _ = try await system.database.query(
            """
            INSERT INTO nvrs (hostname, token_hash)
            SELECT 'drain-nvr-' || g, encode(sha256(convert_to('token-' || g, 'UTF8')), 'hex') FROM generate_series(1, \(count)) g
            """)
        let path = NSTemporaryDirectory() + "\(system.prefix.dropLast())-tokens.tsv"
        try (1...count).map { "drain-nvr-\($0)\ttoken-\($0)\n" }.joined().write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func online(_ system: LookoutSystem) async throws -> Int {
        Int(try await system.database.query("SELECT count(*) FROM nvrs WHERE status = 'online'")) ?? 0
    }

    struct Stats: CustomStringConvertible {
        var connections: Int
        var hostnames: Int
        var gateways: Set<String>
        var description: String { "\(connections) connections, \(hostnames) hostnames, gateways \(gateways.sorted())" }
    }

    /// `/api/stats` through HAProxy.
    static func stats(_ proxy: HAProxyProcess, _ key: String) async throws -> Stats {
        let reply = try #require(await get("http://127.0.0.1:\(proxy.port)/api/stats", key: key))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any], "\(reply.status) \(reply.body)")
        let total = json["total"] as? [String: Any] ?? [:]
        let gateways = (json["gateways"] as? [[String: Any]] ?? []).compactMap { $0["gateway"] as? String }
        return Stats(
            connections: (total["nvrConnections"] as? NSNumber)?.intValue ?? -1, hostnames: (total["nvrHostnames"] as? [Any])?.count ?? -1,
            gateways: Set(gateways))
    }

    static func get(_ url: String, key: String? = nil) async -> (status: Int, body: String)? {
        var request = URLRequest(url: URL(string: url)!)
        request.timeoutInterval = 5
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        guard let (data, response) = try? await URLSession.shared.data(for: request) else { return nil }
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    static func notifySequence(_ system: LookoutSystem) async throws -> Int64 {
        let text = try await RedisCLI(url: try TestEnvironment.redisURL).run(["GET", RedisKeys(prefix: system.prefix).notifySequence])
        return Int64(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}
