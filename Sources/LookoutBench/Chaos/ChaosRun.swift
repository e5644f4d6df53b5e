import Foundation
public import Logging
import LookoutCore
import LookoutSimulator
import PostgresNIO

/// `lookout chaos`: the fault matrix of issue 12. A fleet of simulated NVRs with churn on two
/// gateways, a dashboard on each, two presence workers, a sweeper, a renewal worker against the
/// cloud simulator (URLs that live a minute), the MediaMTX sync against the MediaMTX double, each
/// its own process. Then, one fault at a time, the invariants after it heals:
///
/// - PostgreSQL equals the fleet (which agents are connected) within the bound;
/// - no ghost: no NVR shown online 15 s after its agent went away;
/// - every dashboard's view (snapshot + notifications, as the page keeps it) equals PostgreSQL;
/// - no expired URL in mediamtx.yml; no invalid mediamtx.yml ever written (each version checked);
/// - no camera's URL fetched twice for one due time (two issues closer than half a renewal period).
///
/// Redis and PostgreSQL are the caller's (scripts/chaos.sh), controlled through `servers`.
public struct ChaosRun: Sendable {
    public struct Options: Sendable {
        public var short = false
        public var nvrs = 500
        /// Agents per second that disconnect and come back 1–5 s later.
        public var churn = 3.0
        /// Fault keys to run (`gateway-kill`, `redis-empty`, …); empty: the whole matrix.
        public var faults: [String] = []
        /// How long after a heal every invariant must hold again.
        public var bound: Duration = .seconds(60)
        /// The command that controls the servers (`bash scripts/chaos-servers.sh`).
        public var servers: [String] = []
        public var redisURL = ""
        public var databaseURL = ""
        public var workers = "workers"
        public var baseConfig = "mediamtx.yml"
        /// docs/reliability.md: its "Fault matrix" section gets this run's matrix.
        public var writeDoc: String?
        /// How this run was started, for the doc.
        public var command = "make chaos"

        public init() {}
    }

    public var options: Options
    public var logger: Logger

    public init(options: Options, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    static let urlLifetime = 60
    static let lifetimeShare = 0.7
    static let interval = Duration.seconds(1)

    /// Runs the matrix; true when every invariant held after every fault.
    public func run() async throws -> Bool {
        try await BenchCleanup.around(matrix)
    }

    private var selectedFaults: [ChaosFault] {
        if options.faults.isEmpty { return options.short ? ChaosFault.short : ChaosFault.full }
        return (ChaosFault.full + ChaosFault.short).reduce(into: [ChaosFault]()) { result, fault in
            if options.faults.contains(fault.key), !result.contains(where: { $0.key == fault.key }) {
                // The short matrix's shorter durations when --short, else the full ones.
                let pick = options.short ? (ChaosFault.short.first { $0.key == fault.key } ?? fault) : fault
                result.append(pick)
            }
        }
    }

    private func matrix(_ cleanup: BenchCleanup) async throws -> Bool {
        let started = ContinuousClock.now
        FileLimit.raise()
        let faults = selectedFaults
        guard !faults.isEmpty else { throw BenchError("no fault matches \(options.faults)") }
        let devices = options.short ? 4 : 8
        let channels = 4
        // The setup's own client would report every PostgreSQL fault of the matrix: it stays quiet.
        var quiet = logger
        quiet.logLevel = .critical
        let database = try await BenchDatabase.create(adminURL: options.databaseURL, logger: quiet)
        cleanup.add { await database.drop() }
        let credentials = try await database.provision(nvrs: options.nvrs)
        let key = SecretHash.generate(prefix: "lk_")
        try await database.client.query(
            "INSERT INTO api_keys (name, key_hash, role) VALUES ('chaos', \(SecretHash.sha256Hex(key)), 'viewer')", logger: logger)

        let folder = NSTemporaryDirectory() + "lookout-chaos-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        cleanup.add { try? FileManager.default.removeItem(atPath: folder) }
        let configPath = folder + "/mediamtx.yml"
        let base = (try? String(contentsOfFile: options.baseConfig, encoding: .utf8)) ?? "paths:\n"
        try base.write(toFile: configPath, atomically: true, encoding: .utf8)
        try """
        kind: renewal
        requestedLifetime: \(Self.urlLifetime)s
        lifetimeShare: \(Self.lifetimeShare)
        lease: 15s
        expiryMargin: 10s
        retryInitial: 2s
        retryMaximum: 10s
        """.write(toFile: folder + "/renewal.yml", atomically: true, encoding: .utf8)

        let ports = (cloud: freePort(), mediamtx: freePort(), gateways: [freePort(), freePort()])
        let environment = [
            "LOOKOUT_REDIS_URL": options.redisURL, "LOOKOUT_WORKER_HTTP_PORT": "0", "LOOKOUT_DATABASE_URL": database.url, "LOOKOUT_KEY_PREFIX": "\(database.name):",
            "LOG_LEVEL": "notice", "LOOKOUT_MAX_CONNECTIONS_PER_ADDRESS": "0",
            "HIKVISION_APP_KEY": "sim-app-key", "HIKVISION_SECRET": "sim-secret-key",
            "LOOKOUT_MEDIAMTX_CONFIG": configPath, "LOOKOUT_STREAM_URL_KEY": try StreamURLCipher.Key.generateSetting(id: "chaos"),
            "HIKVISION_BASE_URL": "http://127.0.0.1:\(ports.cloud)", "LOOKOUT_MEDIAMTX_API_URL": "http://127.0.0.1:\(ports.mediamtx)",
        ]
        let roles = ChaosSystem(
            environment: environment, servers: ChaosServers(command: options.servers), folder: folder, workers: options.workers,
            cloudDevices: devices, channels: channels, urlLifetime: Self.urlLifetime, ports: ports)
        cleanup.add {
            let hung = await roles.stopAll()
            if !hung.isEmpty { print("chaos: did not stop within 15 s of SIGTERM (killed): \(hung.joined(separator: ", "))") }
        }
        for name in ChaosSystem.simulators { try roles.start(name) }
        for port in [roles.cloudPort, roles.mediamtxPort] {
            guard try await until(timeout: .seconds(30), { canConnect(port: port) }) else { throw BenchError("simulator did not start on \(port)") }
        }
        let discover = try BenchProcess(arguments: ["discover"], environment: environment, name: "chaos-discover")
        await discover.waitForExit()
        for name in ChaosSystem.roles { try roles.start(name) }
        for port in roles.gatewayPorts {
            guard try await until(timeout: .seconds(30), { canConnect(port: port) }) else { throw BenchError("gateway did not start on \(port)") }
        }

        // Half the fleet on each gateway, each half churning.
        var fleetOptions = NVRFleet.Options()
        fleetOptions.churnRate = options.churn / 2
        fleetOptions.connectSpread = .seconds(5)
        let halves = [stride(from: 0, to: credentials.count, by: 2), stride(from: 1, to: credentials.count, by: 2)]
        let fleets = zip(halves, roles.gatewayPorts).map { half, port in
            NVRFleet(
                credentials: half.map { NVRCredential(hostname: credentials[$0].hostname, token: credentials[$0].token) },
                gatewayURL: "ws://127.0.0.1:\(port)/ws", options: fleetOptions, logger: logger)
        }
        let fleetRun = Task { await withDiscardingTaskGroup { group in for fleet in fleets { group.addTask { await fleet.run() } } } }
        cleanup.add {
            fleetRun.cancel()
            await fleetRun.value
        }
        let dashboards = roles.gatewayPorts.enumerated().map { index, port in
            DashboardView(name: "dashboard on gateway \(index + 1)", port: port, key: key, logger: logger)
        }
        let watcher = ConfigWatcher(path: configPath)
        cleanup.add {
            for dashboard in dashboards { dashboard.stop() }
            watcher.stop()
        }
        let probe = ChaosProbe(databaseURL: database.url, fleets: fleets, dashboards: dashboards, watcher: watcher, cameras: devices * channels)

        // The system settles before the first fault: every agent connected once, views equal.
        print("chaos: \(options.nvrs) NVRs (churn \(options.churn)/s) on 2 gateways, \(devices * channels) cameras with \(Self.urlLifetime) s URLs")
        let settle = ContinuousClock.now
        _ = try await until(timeout: .seconds(60), every: .seconds(1)) { fleets.reduce(0) { $0 + $1.stats.connectedNow } >= options.nvrs * 9 / 10 }
        let baseline = try await probe.observe(heal: .now, bound: .seconds(90), interval: Self.interval)
        let settled = baseline.isStable(heal: settle, at: .now) ? "settled" : "NOT settled: \(baseline.lastFigures)"
        print("chaos: set up in \(String(format: "%.1f", (ContinuousClock.now - started).seconds)) s, \(settled)")

        var matrix = ChaosMatrix()
        for fault in faults {
            // Each fault from a settled system: after a failed row, the dashboards are reopened and
            // the views given up to 20 s to agree again, so one fault's damage is not the next's.
            if matrix.rows.last?.passed == false {
                for dashboard in dashboards { dashboard.reload() }
                let settling = ContinuousClock.now
                let settled = try await probe.observe(heal: settling, bound: .seconds(20), interval: Self.interval)
                if !settled.isStable(heal: settling, at: .now) { print("chaos: not settled before the next fault: \(settled.lastFigures)") }
            }
            let row = try await step(fault, roles: roles, probe: probe)
            matrix.rows.append(row)
            print("chaos: \(row.fault): \(row.passed ? "pass" : "FAIL"), recovery \(row.recovery.map { String(format: "%.1f s", $0) } ?? "none"); "
                + row.checks.map { "\($0.name): \($0.check.figure)" }.joined(separator: "; "))
        }
        let elapsed = (ContinuousClock.now - started).seconds
        let summary = """
            \(options.nvrs) simulated NVRs (churn \(options.churn)/s) on 2 gateways with a dashboard each, 2 presence workers, a sweeper, \
            a renewal worker (\(devices * channels) cameras, \(Self.urlLifetime) s URLs), the MediaMTX sync; bound \(Int(options.bound.seconds)) s \
            after each heal, differences younger than \(Int(ChaosObservation.inFlight.seconds)) s counted as in flight; \
            run \(ISO8601DateFormatter().string(from: Date())) in \(Int(elapsed)) s.
            """
        print("\n" + matrix.markdown + "\n\n" + summary)
        if !matrix.passed {
            print("chaos: logs of the roles: " + roles.logPaths.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        if let doc = options.writeDoc {
            try ChaosDoc.write(matrix: matrix, summary: summary, command: options.command, to: doc)
        }
        return matrix.passed
    }

    private func step(_ fault: ChaosFault, roles: ChaosSystem, probe: ChaosProbe) async throws -> ChaosResult {
        print("chaos: \(fault.name) …")
        fflush(nil)
        let stepStart = Int64(Date().timeIntervalSince1970 * 1000)
        let before = probe.watcher.current
        let closedBefore = probe.heartbeatTimeouts
        try await roles.apply(fault)
        let heal = ContinuousClock.now
        let observation = try await probe.observe(heal: heal, bound: options.bound, interval: Self.interval)
        let recovered = observation.isStable(heal: heal, at: .now)
        let after = probe.watcher.current
        let crashed = roles.exited
        for name in crashed { try roles.start(name) }

        var checks: [(name: String, check: ChaosCheck)] = []
        func state(_ invariant: String) -> ChaosCheck {
            let stableSince = observation.lastBad[invariant].map { ContinuousClock.now - $0 >= ChaosObservation.stable } ?? true
            if stableSince {
                return ChaosCheck(passed: true, figure: String(format: "in %.1f s", observation.recovery(invariant, heal: heal, interval: Self.interval)))
            }
            return ChaosCheck(passed: false, figure: observation.lastFigures[invariant] ?? "failing")
        }
        // A healthy agent (every simulated one heartbeats) closed for silence was marked dead by the
        // system itself: the fault cost it its connection.
        let closed = probe.heartbeatTimeouts - closedBefore
        let truth = state("truth")
        checks.append(
            ("PostgreSQL = fleet",
                closed == 0 ? truth : ChaosCheck(passed: false, figure: "\(truth.figure); \(closed) healthy NVRs closed with 4005")))
        let ghosts = observation.ghosts.count
        checks.append(
            ("no ghost > 15 s",
                ChaosCheck(passed: ghosts == 0, figure: ghosts == 0 ? "0" : String(format: "%d (longest %.0f s)", ghosts, observation.longestGhost.seconds))))
        checks.append(("dashboards = PostgreSQL", state("dashboards")))
        checks.append(("no expired URL", state("expired")))
        let invalid = after.invalid - before.invalid
        checks.append(
            ("no invalid mediamtx.yml",
                ChaosCheck(passed: invalid == 0, figure: "\(invalid) of \(after.versions - before.versions) writes" + (invalid > 0 ? " (\(after.lastProblem ?? ""))" : ""))))
        let (doubles, fetched) = Self.doubleFetches(await roles.issuedAddresses(), since: stepStart)
        checks.append(("no double fetch", ChaosCheck(passed: doubles == 0, figure: "\(doubles) of \(fetched) fetches")))
        let recovery: Double? =
            recovered ? ["truth", "dashboards", "expired"].map { observation.recovery($0, heal: heal, interval: Self.interval) }.max() : nil
        return ChaosResult(fault: fault.name, recovery: recovery, checks: checks, crashed: crashed)
    }

    /// Fetches since `since` (Unix ms) that came less than half a renewal period after the same
    /// camera's previous one: two fetches for one due time.
    static func doubleFetches(_ issued: [String: [Int64]], since: Int64) -> (doubles: Int, fetched: Int) {
        let threshold = Int64(Double(urlLifetime) * lifetimeShare / 2 * 1000)
        var doubles = 0
        var fetched = 0
        for times in issued.values {
            let sorted = times.sorted()
            for (index, time) in sorted.enumerated() where time >= since {
                fetched += 1
                if index > 0, time - sorted[index - 1] < threshold { doubles += 1 }
            }
        }
        return (doubles, fetched)
    }
}
