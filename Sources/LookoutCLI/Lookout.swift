import ArgumentParser

/// One executable, one role per subcommand; each role builds its own ServiceGroup.
@main
struct Lookout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookout",
        abstract: "Keeps a video-management dashboard true: who is online, and live streams that never expire.",
        subcommands: [
            GatewayCommand.self, WorkerCommand.self, MigrateCommand.self, NVRCommand.self, CameraCommand.self, APIKeyCommand.self, RenewCommand.self,
            DiscoverCommand.self, SecretsCommand.self, DeadCommand.self, HealthcheckCommand.self,
            SimulateCommand.self,
            BenchCommand.self, ChaosCommand.self,
        ]
    )
}
