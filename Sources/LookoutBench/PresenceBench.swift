import Foundation
public import Logging
import LookoutCore
import LookoutSimulator
import PostgresNIO
import Synchronization

/// `lookout bench presence --rate R`: NVR connects and disconnects at R events per second
/// through gateway → stream → worker → PostgreSQL → pub/sub → a dashboard, all real processes
/// (gateway and worker as children of this load generator). Reports event → dashboard latency
/// p50/p99/max (an event's time is when the agent got `auth_ok`, or when it started closing), and
/// offline-detection latency for agents that fall silent (from their last message).
public struct PresenceBench: Sendable {
    public var rate: Int
    public var seconds: Int
    public var silentAgents: Int
    public var redisURL: String
    public var databaseURL: String
    public var logger: Logger

    public init(rate: Int, seconds: Int, silentAgents: Int, redisURL: String, databaseURL: String, logger: Logger) {
        self.rate = rate
        self.seconds = seconds
        self.silentAgents = silentAgents
        self.redisURL = redisURL
        self.databaseURL = databaseURL
        self.logger = logger
    }

    public func run() async throws {
        try await BenchCleanup.around(measure)
    }

    private func measure(_ cleanup: BenchCleanup) async throws {
        FileLimit.raise()
        let pool = max(rate, 2)
        let database = try await BenchDatabase.create(adminURL: databaseURL, logger: logger)
        let credentials = try await database.provision(nvrs: pool + silentAgents)
        let key = SecretHash.generate(prefix: "lk_")
        try await database.client.query(
            "INSERT INTO api_keys (name, key_hash, role) VALUES ('bench', \(SecretHash.sha256Hex(key)), 'viewer')", logger: logger)
        let port = freePort()
        let environment = [
            "LOOKOUT_REDIS_URL": redisURL, "LOOKOUT_WORKER_HTTP_PORT": "0", "LOOKOUT_DATABASE_URL": database.url, "LOOKOUT_KEY_PREFIX": "\(database.name):",
            "LOOKOUT_HTTP_PORT": String(port), "LOG_LEVEL": "warning",
            // The fleet is thousands of agents on one loopback address.
            "LOOKOUT_MAX_CONNECTIONS_PER_ADDRESS": "0",
        ]
        cleanup.add { await database.drop() }
        let gateway = try BenchProcess(arguments: ["gateway"], environment: environment, name: "gateway")
        cleanup.add { await gateway.terminate() }
        let worker = try BenchProcess(arguments: ["worker"], environment: environment, name: "worker")
        cleanup.add { await worker.terminate() }
        guard try await until(timeout: .seconds(30), { canConnect(port: port) }) else { throw BenchError("gateway did not start") }
        let probe = DashboardProbe(port: port, key: key, logger: logger)
        defer { probe.stop() }
        try await Task.sleep(for: .milliseconds(500))

        let url = "ws://127.0.0.1:\(port)/ws"
        let events = Locked<[(change: DashboardProbe.Change, at: ContinuousClock.Instant)]>([])
        // Each silent agent's expected `offline`, from when it (last) authenticated.
        let silentSince = Locked<[String: (change: DashboardProbe.Change, at: ContinuousClock.Instant)]>([:])
        // The session of each churning agent that is online now.
        let sessions = Locked<[String: String]>([:])
        try await withThrowingDiscardingTaskGroup { group in
            // Agents that authenticate and then never send again.
            for credential in credentials.suffix(silentAgents) {
                group.addTask {
                    let agent = NVRAgent(hostname: credential.hostname, token: credential.token, gatewayURL: url, logger: logger, silent: true) { event in
                        guard case .authenticated(let session, _) = event else { return }
                        let offline = DashboardProbe.Change(hostname: credential.hostname, session: session, status: "offline")
                        silentSince.withLock { $0[credential.hostname] = (offline, .now) }
                    }
                    _ = try? await agent.run()
                }
            }
            // Each tick starts or stops agents so that R events happen per second.
            let tick = Duration.milliseconds(50)
            let perTick = max(1, rate * 50 / 1000)
            var running: [Int: Task<Void, Never>] = [:]
            var next = 0
            let end = ContinuousClock.now + .seconds(seconds)
            while ContinuousClock.now < end {
                let tickStart = ContinuousClock.now
                for _ in 0..<perTick {
                    let index = next % pool
                    next += 1
                    let hostname = credentials[index].hostname
                    if let task = running.removeValue(forKey: index) {
                        // A disconnect is an event only for an agent that was online: one still
                        // in its handshake changes nothing a dashboard could be told.
                        if let session = sessions.withLock({ $0.removeValue(forKey: hostname) }) {
                            events.withLock { $0.append((.init(hostname: hostname, session: session, status: "offline"), .now)) }
                        }
                        task.cancel()
                    } else {
                        // A late auth_ok of the previous, cancelled agent must not count for this one.
                        sessions.withLock { _ = $0.removeValue(forKey: hostname) }
                        let agent = NVRAgent(hostname: hostname, token: credentials[index].token, gatewayURL: url, logger: logger) { event in
                            guard case .authenticated(let session, _) = event else { return }
                            sessions.withLock { $0[hostname] = session }
                            events.withLock { $0.append((.init(hostname: hostname, session: session, status: "online"), .now)) }
                        }
                        running[index] = Task { _ = try? await agent.run() }
                    }
                }
                try await Task.sleep(until: tickStart + tick)
            }
            try await Task.sleep(for: .seconds(2))
            for task in running.values { task.cancel() }
            // Silent agents: wait for their detection (1.5 heartbeat intervals + sweep).
            _ = try await until(timeout: .seconds(40)) {
                silentSince.withLock { $0 }.values.allSatisfy { probe.arrival(of: $0.change, after: $0.at) != nil }
            }
            group.cancelAll()
        }

        let latencies = events.withLock { $0 }.compactMap { event in
            probe.arrival(of: event.change, after: event.at).map { ($0 - event.at).milliseconds }
        }
        let sent = events.withLock { $0.count }
        let detections = silentSince.withLock { $0 }.values.compactMap { silent in
            probe.arrival(of: silent.change, after: silent.at).map { ($0 - silent.at).seconds }
        }
        var report = BenchReport(bench: "presence")
        report.add("eventsPerSecond", Double(sent) / Double(seconds), unit: "/s", label: "events generated")
        report.note("eventsSeen", latencies.count, label: "events seen on the dashboard")
        report.note("eventsSent", sent, label: "events sent")
        report.add("latencyP50ms", percentile(50, latencies), unit: "ms", label: "event → dashboard p50", decimals: 2)
        report.add("latencyP99ms", percentile(99, latencies), unit: "ms", label: "event → dashboard p99", target: "≤ 50 ms at 2,000/s", decimals: 2)
        report.add("latencyMaxMs", latencies.max() ?? .nan, unit: "ms", label: "event → dashboard max", decimals: 2)
        report.add("silentDetectionP99s", percentile(99, detections), unit: "s", label: "silent death → offline p99 (\(detections.count) agents)", target: "≤ 16 s")
        report.print()
    }
}
