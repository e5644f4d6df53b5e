import ArgumentParser
import Foundation
import Logging
import LookoutCore
import LookoutRedis

/// `--config FILE` plus the environment: every command loads its settings through here, so a bad
/// or missing value always ends the same way: one line on stderr naming the setting, exit code 2.
struct SettingsOptions: ParsableArguments {
    @Option(name: .long, help: "A YAML settings file (default: $LOOKOUT_CONFIG). Environment variables override it.")
    var config: String?

    func load(requiring required: [Setting] = []) throws -> LookoutSettings {
        do {
            let environment = ProcessInfo.processInfo.environment
            let path = config ?? environment["LOOKOUT_CONFIG"]
            let source = try SettingsSource(
                environment: environment, yaml: try path.map(Self.read), fileName: path, fileMode: path.flatMap(Self.mode))
            let settings = try LookoutSettings(source: source, requiring: required)
            LoggingBootstrap.run(level: settings.logLevel)
            return settings
        } catch {
            Self.exitWithConfigurationError(error)
        }
    }

    static func read(_ path: String) throws(ConfigurationError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(setting: path, problem: "cannot read the settings file")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The permission bits of the file at `path` (nil if it cannot be read).
    static func mode(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? nil
    }

    static func exitWithConfigurationError(_ error: ConfigurationError) -> Never {
        FileHandle.standardError.write(Data("lookout: \(error)\n".utf8))
        Foundation.exit(2)
    }
}

extension LookoutSettings {
    /// The Redis URL as a client configuration; a malformed URL is a configuration error.
    func redisConfiguration() -> RedisConfiguration {
        do {
            var configuration = try RedisConfiguration(url: redisURL ?? "")
            configuration.commandTimeout = redisCommandTimeout
            return configuration
        } catch {
            SettingsOptions.exitWithConfigurationError(
                ConfigurationError(setting: Setting.redisURL.environmentName, problem: "malformed URL: \(error.reason)"))
        }
    }
}
