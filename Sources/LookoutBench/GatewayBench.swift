import Foundation
public import Logging
import LookoutCore
import LookoutSimulator

/// `lookout bench gateway --nvrs N`: N authenticated NVR connections against one gateway
/// process (this process is only the load generator), then a reconnect storm.
///
/// Reports connect rate, gateway RSS per connection, gateway CPU at steady state, heartbeat
/// round trip p50/p99, and the time until all N are online again in PostgreSQL after the
/// gateway restarts. Connections are spread over `addresses` loopback addresses
/// (127.0.0.1 … 127.0.0.K; the gateway listens on 0.0.0.0), so each address has its own
/// ephemeral-port range: 28,000 ports per address is the ceiling a single address would have.
public struct GatewayBench: Sendable {
    public var nvrs: Int
    public var addresses: Int
    public var connectSeconds: Double
    public var steadySeconds: Double
    public var redisURL: String
    public var databaseURL: String
    public var logger: Logger

    public init(nvrs: Int, addresses: Int, connectSeconds: Double, steadySeconds: Double, redisURL: String, databaseURL: String, logger: Logger) {
        self.nvrs = nvrs
        self.addresses = addresses
        self.connectSeconds = connectSeconds
        self.steadySeconds = steadySeconds
        self.redisURL = redisURL
        self.databaseURL = databaseURL
        self.logger = logger
    }

    public func run() async throws {
        try await BenchCleanup.around(measure)
    }

    private func measure(_ cleanup: BenchCleanup) async throws {
        let fileLimit = FileLimit.raise()
        // The agents' sockets share this process's open-file limit with reconnect attempts
        // (old and new sockets overlap in a storm), log files and database clients. At the
        // limit the process crashes: libdispatch's worker-pool monitor cannot open /proc.
        let headroom = 500
        guard nvrs + headroom <= Int(fileLimit) else {
            throw BenchError("--nvrs \(nvrs) needs \(nvrs + headroom) open files; this process may open \(fileLimit): use --nvrs \(Int(fileLimit) - headroom) at most")
        }
        let database = try await BenchDatabase.create(adminURL: databaseURL, logger: logger)
        let credentials = try await database.provision(nvrs: nvrs)
        let port = freePort()
        let environment = [
            "LOOKOUT_REDIS_URL": redisURL, "LOOKOUT_WORKER_HTTP_PORT": "0", "LOOKOUT_DATABASE_URL": database.url, "LOOKOUT_KEY_PREFIX": "\(database.name):",
            "LOOKOUT_HTTP_HOST": "0.0.0.0", "LOOKOUT_HTTP_PORT": String(port), "LOG_LEVEL": "notice",
            // The fleet is thousands of agents on a few loopback addresses.
            "LOOKOUT_MAX_CONNECTIONS_PER_ADDRESS": "0",
            // The reconnect storm is every agent at once, as before drains were spread.
            "LOOKOUT_DRAIN_WINDOW": "0",
        ]
        cleanup.add { await database.drop() }
        let gateways = Locked<[BenchProcess]>([])
        cleanup.add { for gateway in gateways.withLock({ $0 }) { await gateway.terminate() } }
        var gateway = try BenchProcess(arguments: ["gateway"], environment: environment, name: "gateway")
        gateways.withLock { $0.append(gateway) }
        let worker = try BenchProcess(arguments: ["worker"], environment: environment, name: "worker")
        cleanup.add { await worker.terminate() }
        try await waitForPort(port)
        let baseline = gateway.residentBytes

        // Agents on K addresses, each fleet spreading its connects over `connectSeconds`.
        var options = NVRFleet.Options()
        options.connectSpread = .milliseconds(Int64(connectSeconds * 1000))
        // Half the headroom for sockets of abandoned attempts (a storm against a gateway that
        // stopped accepting leaves many mid-handshake until it exits).
        options.maxLingeringAttempts = headroom / 2
        let slices = (0..<addresses).map { index in stride(from: index, to: credentials.count, by: addresses).map { credentials[$0] } }
        let fleets = slices.enumerated().map { index, slice in
            NVRFleet(
                credentials: slice.map { NVRCredential(hostname: $0.hostname, token: $0.token) },
                gatewayURL: "ws://127.0.0.\(index + 1):\(port)/ws", options: options, logger: logger)
        }
        var report = BenchReport(bench: "gateway")
        report.note("nvrs", nvrs, label: "NVR connections")
        report.note("fileLimit", Int(fileLimit), label: "open-file limit")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for fleet in fleets { group.addTask { await fleet.run() } }
            let started = ContinuousClock.now
            var lastReport = ContinuousClock.now
            guard
                try await until(timeout: .seconds(connectSeconds * 4 + 60), {
                    if ContinuousClock.now - lastReport > .seconds(5) {
                        logger.notice("Connecting", metadata: ["lookout.bench.connected": "\(fleets.connected)"])
                        lastReport = .now
                    }
                    return fleets.connected == nvrs
                })
            else {
                throw BenchError("only \(fleets.connected) of \(nvrs) connected; gateway log:\n\(gateway.logTail)")
            }
            let connectTime = ContinuousClock.now - started
            report.add("connectsPerSecond", Double(nvrs) / connectTime.seconds, unit: "/s", label: "connect rate (all authenticated)")
            _ = try await until(timeout: .seconds(60)) { try await database.count("SELECT count(*) FROM nvrs WHERE status = 'online'") == nvrs }

            // Steady state: every agent heartbeats every 10 s.
            try await Task.sleep(for: .seconds(5))
            let cpuBefore = gateway.cpuTime
            let wallBefore = ContinuousClock.now
            try await Task.sleep(for: .seconds(steadySeconds))
            let cpu = (gateway.cpuTime - cpuBefore).seconds / (ContinuousClock.now - wallBefore).seconds * 100
            let perConnection = Double(gateway.residentBytes - baseline) / Double(nvrs) / 1024
            report.add("rssPerConnectionKB", perConnection, unit: "KB", label: "gateway RSS per connection", target: "≤ 25 KB")
            report.add("rssMB", Double(gateway.residentBytes) / 1_048_576, unit: "MB", label: "gateway RSS")
            report.add("cpuPercentSteady", cpu, unit: "%", label: "gateway CPU at steady state (of one core)", target: "≤ 25 %")
            let stats = fleets.map(\.stats)
            let p50 = stats.compactMap(\.heartbeatRTTp50).map(\.milliseconds).max() ?? .nan
            let p99 = stats.compactMap(\.heartbeatRTTp99).map(\.milliseconds).max() ?? .nan
            report.add("heartbeatP50ms", p50, unit: "ms", label: "heartbeat round trip p50 (worst fleet)", decimals: 2)
            report.add("heartbeatP99ms", p99, unit: "ms", label: "heartbeat round trip p99 (worst fleet)", decimals: 2)

            logger.notice("Steady state measured; restarting the gateway for the reconnect storm")
            // Reconnect storm: restart the gateway; agents reconnect with jittered backoff.
            let stormStarted = ContinuousClock.now
            await gateway.terminate()
            let drained = ContinuousClock.now - stormStarted
            if let line = gateway.logTail.split(separator: "\n").last(where: { $0.contains("NVR connections drained") }) {
                logger.notice("Old gateway: \(line)")
            }
            gateway = try BenchProcess(arguments: ["gateway"], environment: environment, name: "gateway-2")
            let restarted = gateway
            gateways.withLock { $0.append(restarted) }
            try await waitForPort(port)
            let listening = ContinuousClock.now - stormStarted
            var lastStormReport = ContinuousClock.now
            let back = try await until(timeout: .seconds(120), every: .milliseconds(200)) {
                let online = try await database.count("SELECT count(*) FROM nvrs WHERE status = 'online' AND connection_version >= 2")
                if ContinuousClock.now - lastStormReport > .seconds(5) {
                    logger.notice("Reconnecting", metadata: ["lookout.bench.online": "\(online)", "lookout.bench.fleet": "\(fleets.summary)"])
                    lastStormReport = .now
                }
                return online == nvrs
            }
            if !back { logger.warning("Storm did not complete", metadata: ["lookout.bench.fleet": "\(fleets.summary)"]) }
            let storm = ContinuousClock.now - stormStarted
            report.add("stormDrainSeconds", drained.seconds, unit: "s", label: "storm: old gateway drained and exited")
            report.add("stormListeningSeconds", listening.seconds, unit: "s", label: "storm: new gateway listening")
            report.add("stormSeconds", back ? storm.seconds : .nan, unit: "s", label: "reconnect storm: restart → all online in PostgreSQL", target: "≤ 20 s")
            group.cancelAll()
        }
        report.print()
    }

    private func waitForPort(_ port: Int) async throws {
        guard try await until(timeout: .seconds(30), { canConnect(port: port) }) else { throw BenchError("gateway did not listen on \(port)") }
    }
}

extension [NVRFleet] {
    var connected: Int { reduce(0) { $0 + $1.stats.connectedNow } }

    /// The fleets' counters summed, for progress lines.
    var summary: String {
        let stats = map(\.stats)
        var codes: [UInt16: Int] = [:]
        for stat in stats { codes.merge(stat.disconnectsByCloseCode, uniquingKeysWith: +) }
        let sum = { (value: (FleetStats) -> Int) in stats.reduce(0) { $0 + value($1) } }
        return "connected \(sum(\.connectedNow)), reconnects \(sum(\.reconnects)), connect failures \(sum(\.connectFailures)), "
            + "closed without frame \(sum(\.disconnectsWithoutCloseFrame)), closed by code \(codes.sorted { $0.key < $1.key }), stopped \(sum(\.stoppedAgents))"
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` until true or timeout.
func until(timeout: Duration, every interval: Duration = .milliseconds(100), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: interval)
    }
    return try await condition()
}

func canConnect(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}
