import ArgumentParser
import Foundation
import Logging
import LookoutCore
import LookoutStore
import PostgresNIO

/// `lookout migrate`: applies the PostgreSQL migrations this binary knows, in order.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply PostgreSQL schema migrations (safe to run from several processes at once).")

    @OptionGroup var settings: SettingsOptions
    @Option(help: "Give up when PostgreSQL cannot be reached for this many seconds.") var timeout = 30

    func run() async throws {
        let settings = try settings.load(requiring: [.databaseURL])
        let logger = LoggingBootstrap.logger("lookout.migrate")
        let client = PostgresClient(configuration: settings.postgresConfiguration(), backgroundLogger: logger)
        let migrator = PostgresMigrator()
        do {
            let report = try await withThrowingTaskGroup(of: MigrationReport?.self) { group in
                group.addTask {
                    await client.run()
                    return nil
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(timeout))
                    throw CleanExit.message("PostgreSQL did not answer within \(timeout) s")
                }
                group.addTask { try await migrator.migrate(client: client, logger: logger) }
                defer { group.cancelAll() }
                while let result = try await group.next() {
                    if let report = result { return report }
                }
                throw CleanExit.message("PostgreSQL client stopped")
            }
            print(
                report.wasAlreadyCurrent
                    ? "Schema is current at version \(report.currentVersion)."
                    : "Applied migrations \(report.appliedVersions.map(String.init).joined(separator: ", ")); schema at version \(report.currentVersion).")
        } catch let error as MigrationError {
            FileHandle.standardError.write(Data("lookout migrate: \(error.message)\n".utf8))
            throw ExitCode(1)
        } catch let CleanExit.message(message) {
            FileHandle.standardError.write(Data("lookout migrate: \(message)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// Ends a command with a message on stderr and exit code 1.
enum CleanExit: Error {
    case message(String)
}

extension LookoutSettings {
    /// The database URL as a client configuration; a malformed URL is a configuration error.
    func postgresConfiguration() -> PostgresClient.Configuration {
        do {
            return try PostgresClient.Configuration(url: databaseURL ?? "")
        } catch {
            SettingsOptions.exitWithConfigurationError(
                ConfigurationError(setting: Setting.databaseURL.environmentName, problem: "malformed URL: \(error)"))
        }
    }
}
