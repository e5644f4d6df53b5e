import ArgumentParser
import Logging
import LookoutSimulator

/// `lookout simulate …`: simulated peers for demos, tests and load.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate", abstract: "Simulated NVR fleets (and, with the streams issue, the Hik-Connect cloud).",
        subcommands: [NVRs.self, SimulateHikCloudCommand.self, SimulateMediaMTXCommand.self])

    struct NVRs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "nvrs", abstract: "A fleet of NVR agents: authenticate, heartbeat, reconnect with backoff, optional churn.")

        @Option(help: "Agents to run.") var count: Int
        @Option(help: "Gateway WebSocket URL, e.g. ws://127.0.0.1:8080/ws.") var gateway: String
        @Option(help: "Agents per second that disconnect and come back 1-5 s later.") var churn = 0.0
        @Option(help: "Token file (hostname<TAB>token per line), as `lookout nvr add --token-file` writes; without it, hostname-only auth.")
        var tokenFile: String?

        func run() async throws {
            var logger = LoggingBootstrap.logger("lookout.simulate")
            logger.logLevel = .warning
            try await runNVRFleet(count: count, gatewayURL: gateway, churn: churn, tokenFile: tokenFile, logger: logger)
        }
    }
}
