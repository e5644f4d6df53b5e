import Foundation
public import Logging
import LookoutSimulator

/// `lookout bench rolling-restart --nvrs N`: N NVR agents (this process) connected through
/// HAProxy to `gateways` gateway processes; then each gateway in turn gets SIGTERM, drains over
/// `window` seconds, exits and starts again on its port. Reports, per gateway, the time from
/// SIGTERM until every NVR is online in PostgreSQL on another gateway, the whole restart's
/// time, and how many NVRs were recorded offline or alerted (both should be 0).
public struct RollingRestartBench: Sendable {
    public var nvrs: Int
    public var gateways: Int
    public var window: Int
    /// `deploy/haproxy/render.sh`.
    public var renderer: String
    public var redisURL: String
    public var databaseURL: String
    public var logger: Logger

    public init(nvrs: Int, gateways: Int, window: Int, renderer: String, redisURL: String, databaseURL: String, logger: Logger) {
        self.nvrs = nvrs
        self.gateways = gateways
        self.window = window
        self.renderer = renderer
        self.redisURL = redisURL
        self.databaseURL = databaseURL
        self.logger = logger
    }

    public func run() async throws {
        try await BenchCleanup.around(measure)
    }

    private func measure(_ cleanup: BenchCleanup) async throws {
        guard gateways >= 2 else { throw BenchError("--gateways must be at least 2: the NVRs move to the others") }
        let database = try await BenchDatabase.create(adminURL: databaseURL, logger: logger)
        cleanup.add { await database.drop() }
        let credentials = try await database.provision(nvrs: nvrs)
        let ports = (0..<gateways).map { _ in freePort() }
        let environment = [
            "LOOKOUT_REDIS_URL": redisURL, "LOOKOUT_DATABASE_URL": database.url, "LOOKOUT_KEY_PREFIX": "\(database.name):",
            // Info: "Gateway listening" names the gateway's id, which the moves are checked against.
            "LOG_LEVEL": "info",
            "LOOKOUT_DRAIN_WINDOW": String(window), "LOOKOUT_TRUSTED_PROXIES": "127.0.0.1",
        ]
        let processes = Locked<[BenchProcess]>([])
        cleanup.add { for process in processes.withLock({ $0 }) { await process.terminate() } }
        func start(_ index: Int) throws -> BenchProcess {
            var environment = environment
            environment["LOOKOUT_HTTP_PORT"] = String(ports[index])
            let process = try BenchProcess(arguments: ["gateway"], environment: environment, name: "gateway-\(index + 1)-\(UInt16.random(in: .min ... .max))")
            processes.withLock { $0.append(process) }
            return process
        }
        var running = try (0..<gateways).map(start)
        let worker = try BenchProcess(arguments: ["worker"], environment: environment, name: "worker")
        processes.withLock { $0.append(worker) }
        for port in ports { guard try await until(timeout: .seconds(30), { canConnect(port: port) }) else { throw BenchError("gateway did not listen on \(port)") } }
        let proxy = try BenchHAProxy(renderer: renderer, gateways: ports)
        cleanup.add { proxy.stop() }
        guard try await until(timeout: .seconds(20), { await proxy.upServers() == gateways }) else { throw BenchError("HAProxy did not see the gateways up") }

        var options = NVRFleet.Options()
        options.connectSpread = .seconds(max(1, nvrs / 500))
        let fleet = NVRFleet(
            credentials: credentials.map { NVRCredential(hostname: $0.hostname, token: $0.token) }, gatewayURL: "ws://127.0.0.1:\(proxy.port)/ws",
            options: options, logger: logger)
        var report = BenchReport(bench: "rolling-restart")
        report.note("nvrs", nvrs, label: "NVR connections (through HAProxy)")
        report.note("gateways", gateways, label: "gateways")
        report.note("drainWindow", window, label: "drain window (s)")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await fleet.run() }
            guard try await until(timeout: .seconds(120), every: .milliseconds(200), { try await database.count("SELECT count(*) FROM nvrs WHERE status = 'online'") == nvrs })
            else { throw BenchError("only \(fleet.stats.connectedNow) of \(nvrs) connected") }
            let settled = try await database.count("SELECT count(*) FROM nvr_sessions")
            var moves: [Double] = []
            let restartStarted = ContinuousClock.now
            for index in 0..<gateways {
                let gateway = running[index]
                guard let id = Self.gatewayID(logPath: gateway.logPath) else { throw BenchError("no gateway id in \(gateway.logPath)") }
                let started = ContinuousClock.now
                await gateway.terminate()
                let moved = try await until(timeout: .seconds(Double(window) + 60), every: .milliseconds(50)) {
                    try await database.count("SELECT count(*) FROM nvrs WHERE status = 'online' AND gateway_id <> '\(id)'") == nvrs
                }
                let seconds = (ContinuousClock.now - started).seconds
                logger.notice("Gateway moved", metadata: ["lookout.bench.gateway": "\(index + 1)", "lookout.bench.seconds": "\(seconds)", "lookout.bench.moved": "\(moved)"])
                moves.append(moved ? seconds : .nan)
                running[index] = try start(index)
                guard try await until(timeout: .seconds(30), { await proxy.upServers() == gateways }) else { throw BenchError("gateway \(index + 1) did not come back up") }
            }
            let total = ContinuousClock.now - restartStarted
            let offline = try await database.count(
                "SELECT count(DISTINCT nvr_id) FROM nvr_sessions WHERE disconnected_at IS NOT NULL AND disconnect_reason <> 'drained'")
            let offlineNow = try await database.count("SELECT count(*) FROM nvrs WHERE status <> 'online'")
            let alerts = try await database.count("SELECT count(*) FROM nvrs WHERE alerted_at IS NOT NULL")
            let drained = try await database.count("SELECT count(*) FROM nvr_sessions WHERE disconnect_reason = 'drained'")
            for (index, seconds) in moves.enumerated() {
                report.add("move\(index + 1)Seconds", seconds, unit: "s", label: "gateway \(index + 1): SIGTERM → all its NVRs online elsewhere")
            }
            report.add("moveMedianSeconds", percentile(50, moves), unit: "s", label: "median time to move a gateway's NVRs")
            report.add("rollingRestartSeconds", total.seconds, unit: "s", label: "whole rolling restart (incl. restarts, HAProxy rise)")
            report.note("sessionsBefore", settled, label: "sessions before the restart")
            report.note("drainedSessions", drained, label: "sessions ended `drained`")
            report.note("nvrsEndedOtherwise", offline, label: "NVRs with a session ended otherwise (offline/closed)")
            report.note("offlineNow", offlineNow, label: "NVRs not online at the end")
            report.note("alerts", alerts, label: "NVRs alerted")
            report.note("fleet", fleet.stats.statusLine, label: "fleet")
            group.cancelAll()
        }
        report.print()
    }

    /// The gateway's id, from the metadata of its log lines (`lookout.gateway=gw-…`).
    static func gatewayID(logPath: String) -> String? {
        guard let log = try? String(contentsOfFile: logPath, encoding: .utf8), let range = log.range(of: "lookout.gateway=gw-") else { return nil }
        let start = log.index(range.upperBound, offsetBy: -3)
        return String(log[start...].prefix { $0.isLetter || $0.isNumber || $0 == "-" })
    }
}
