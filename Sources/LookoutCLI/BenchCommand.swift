import ArgumentParser
import LookoutBench
import LookoutCore

/// `lookout bench …`: load benchmarks, run by hand; results go to docs/benchmarks.md.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Load benchmarks (results: docs/benchmarks.md). Use a release build: swift build -c release.",
        subcommands: [
            GatewayBenchCommand.self, PresenceBenchCommand.self, WorkerBenchCommand.self, RenewalBenchCommand.self, RedisPipelineBench.self,
            RollingRestartBenchCommand.self,
        ]
    )
}

struct GatewayBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway", abstract: "N NVR connections against one gateway process: connect rate, RSS, CPU, heartbeat RTT, reconnect storm.")

    @OptionGroup var settings: SettingsOptions
    @Option(help: "NVR connections.") var nvrs = 20_000
    @Option(help: "Loopback addresses to spread connections over (each has its own ephemeral-port range).") var addresses = 4
    @Option(help: "Seconds over which agents connect.") var connectSeconds = 10.0
    @Option(help: "Seconds of steady state measured.") var steadySeconds = 20.0

    func run() async throws {
        let settings = try settings.load(requiring: [.redisURL, .databaseURL])
        try await GatewayBench(
            nvrs: nvrs, addresses: addresses, connectSeconds: connectSeconds, steadySeconds: steadySeconds, redisURL: settings.redisURL!,
            databaseURL: settings.databaseURL!, logger: LoggingBootstrap.logger("lookout.bench")
        ).run()
    }
}

struct PresenceBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presence", abstract: "Connect/disconnect events at R/s through the whole pipeline to a dashboard: latency p50/p99/max.")

    @OptionGroup var settings: SettingsOptions
    @Option(help: "Events per second (half connects, half disconnects).") var rate = 2000
    @Option(help: "Seconds of load.") var seconds = 20
    @Option(help: "Agents that go silent after authenticating (offline-detection latency).") var silent = 20

    func run() async throws {
        let settings = try settings.load(requiring: [.redisURL, .databaseURL])
        try await PresenceBench(
            rate: rate, seconds: seconds, silentAgents: silent, redisURL: settings.redisURL!, databaseURL: settings.databaseURL!,
            logger: LoggingBootstrap.logger("lookout.bench")
        ).run()
    }
}

struct WorkerBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Preloaded presence changes drained by the presence worker, next to pgbench and redis-benchmark ceilings.")

    @OptionGroup var settings: SettingsOptions
    @Option(help: "State changes preloaded into the stream.") var events = 200_000
    @Option(help: "NVRs they are spread over.") var nvrs = 10_000
    @Option(help: "Worker batch size.") var batchSize = 500
    @Option(help: "Consumers in the worker (its `concurrency`).") var consumers = 2

    func run() async throws {
        let settings = try settings.load(requiring: [.redisURL, .databaseURL])
        try await WorkerBench(
            events: events, nvrs: nvrs, batchSize: batchSize, consumers: consumers, redisURL: settings.redisURL!, databaseURL: settings.databaseURL!,
            logger: LoggingBootstrap.logger("lookout.bench")
        ).run()
    }
}

struct RenewalBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "renewal", abstract: "N cameras renewed against the cloud simulator (5 req/s) and the MediaMTX double: request rate, file writes.")

    @OptionGroup var settings: SettingsOptions
    @Option(help: "Cameras to renew.") var cameras = 100
    @Option(help: "Renewal worker processes sharing the rate limit.") var workers = 3

    func run() async throws {
        let settings = try settings.load(requiring: [.redisURL, .databaseURL])
        try await RenewalBench(
            cameras: cameras, workers: workers, redisURL: settings.redisURL!, databaseURL: settings.databaseURL!,
            logger: LoggingBootstrap.logger("lookout.bench")
        ).run()
    }
}

struct RollingRestartBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rolling-restart",
        abstract: "N NVRs through HAProxy to several gateways restarted one at a time: time to move each gateway's NVRs, offlines, alerts.")

    @OptionGroup var settings: SettingsOptions
    @Option(help: "NVR connections.") var nvrs = 1_000
    @Option(help: "Gateway processes behind HAProxy.") var gateways = 3
    @Option(help: "Drain window in seconds (LOOKOUT_DRAIN_WINDOW).") var window = 10
    @Option(help: "What renders HAProxy's configuration (deploy/haproxy/render.sh).") var haproxyRender = "deploy/haproxy/render.sh"

    func run() async throws {
        let settings = try settings.load(requiring: [.redisURL, .databaseURL])
        try await RollingRestartBench(
            nvrs: nvrs, gateways: gateways, window: window, renderer: haproxyRender, redisURL: settings.redisURL!, databaseURL: settings.databaseURL!,
            logger: LoggingBootstrap.logger("lookout.bench")
        ).run()
    }
}
