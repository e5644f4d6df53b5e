import ArgumentParser
import Foundation
import LookoutCore
import LookoutStore

/// `lookout secrets rotate` and `lookout secrets generate-key`: the stream URL keys.
struct SecretsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secrets", abstract: "Manage the keys that seal stream URLs in PostgreSQL.", subcommands: [Rotate.self, GenerateKey.self])

    /// Re-seals every stored stream URL with the current key.
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-seal every stored stream URL with LOOKOUT_STREAM_URL_KEY (plaintext rows and rows under old keys); safe to rerun.")

        @OptionGroup var settings: SettingsOptions

        func run() async throws {
            let settings = try settings.load(requiring: [.databaseURL, .streamURLKey])
            guard let cipher = settings.streams.streamURLCipher else {
                SettingsOptions.exitWithConfigurationError(
                    ConfigurationError(setting: Setting.streamURLKey.environmentName, problem: "is required but not set"))
            }
            let logger = LoggingBootstrap.logger("lookout.secrets")
            let report = try await withPostgres(settings) { client in
                try await PostgresStreamURLRotation(client: client, cipher: cipher, logger: logger).run()
            }
            print(
                "Re-sealed \(report.resealed) stream URLs with key '\(cipher.current.id)' (\(report.wasPlaintext) were plaintext); "
                    + "\(report.alreadyCurrent) were current already.")
            guard report.failures.isEmpty else {
                for failure in report.failures.prefix(20) { FileHandle.standardError.write(Data("lookout secrets rotate: \(failure.message)\n".utf8)) }
                FileHandle.standardError.write(
                    Data("lookout secrets rotate: \(report.failures.count) cameras left as they were; add their keys to LOOKOUT_STREAM_URL_OLD_KEYS and rerun\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    /// Prints a new key in the form the settings take.
    struct GenerateKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate-key", abstract: "Print a new random key as <id>:<base64> for LOOKOUT_STREAM_URL_KEY.")

        @Option(help: "The key's id (1-32 of A-Z a-z 0-9 _ -), e.g. the date: 2026-12.") var id: String

        func run() throws {
            do {
                print(try StreamURLCipher.Key.generateSetting(id: id))
            } catch {
                throw ValidationError(error.message)
            }
        }
    }
}
