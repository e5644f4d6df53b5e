import ArgumentParser
import Foundation
import Logging
import LookoutBench
import LookoutCore

/// `lookout chaos`: the fault matrix (issue 12; docs/reliability.md, "Fault matrix"). Run through
/// `make chaos` or `scripts/chaos.sh`, which start a private Redis and PostgreSQL this command may
/// kill, pause and stop, and pass their control command in `LOOKOUT_CHAOS_SERVERS`.
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Fault matrix: kill, pause and stop each role and dependency under a churning fleet; check the invariants after each (exit 1 if one fails).")

    @OptionGroup var settings: SettingsOptions
    @Flag(help: "The short matrix of make test: gateway kill, Redis restarted empty, Redis paused 20 s, PostgreSQL restarted (bound 30 s).") var short = false
    @Option(help: "Simulated NVRs.") var nvrs = 500
    @Option(help: "Agents per second that disconnect and come back 1-5 s later.") var churn = 3.0
    @Option(help: "Comma-separated faults to run (gateway-kill, presence-kill, sweeper-kill, renewal-kill, sync-kill, redis-empty, redis-pause, redis-down, postgres-restart, postgres-down, mediamtx-down, cloud-500, cloud-token, cloud-429); default: the whole matrix.")
    var faults = ""
    @Option(help: "Seconds after each heal within which every invariant must hold again (default: 30 with --short, else 60).") var bound: Int?
    @Option(help: "The command that controls Redis and PostgreSQL (default: $LOOKOUT_CHAOS_SERVERS).") var servers: String?
    @Option(help: "Folder of the presence, sweeper and mediamtx-sync worker files.") var workers = "workers"
    @Option(help: "Write the matrix into this file's \"Fault matrix\" section (docs/reliability.md).") var writeDoc: String?
    @Option(help: "The command line recorded with the matrix in the doc.") var commandLine = "make chaos"

    func run() async throws {
        let settings = try settings.load(requiring: [.redisURL, .databaseURL])
        guard let control = servers ?? ProcessInfo.processInfo.environment["LOOKOUT_CHAOS_SERVERS"], !control.isEmpty else {
            throw ValidationError("the chaos matrix needs servers it may kill: run it through scripts/chaos.sh (or set LOOKOUT_CHAOS_SERVERS)")
        }
        var options = ChaosRun.Options()
        options.short = short
        options.nvrs = nvrs
        options.churn = churn
        options.faults = faults.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        options.bound = .seconds(bound ?? (short ? 30 : 60))
        options.servers = control.split(separator: " ").map(String.init)
        options.redisURL = settings.redisURL!
        options.databaseURL = settings.databaseURL!
        options.workers = workers
        options.writeDoc = writeDoc
        options.command = commandLine
        var logger = LoggingBootstrap.logger("lookout.chaos")
        logger.logLevel = .error
        guard try await ChaosRun(options: options, logger: logger).run() else { throw ExitCode(1) }
    }
}
