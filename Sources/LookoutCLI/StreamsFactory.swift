import LookoutCore
import LookoutHikConnect
import LookoutMediaMTX
import LookoutRedis
import LookoutStore
import LookoutWorkers
import Logging
import PostgresNIO

/// Builds the streams side from settings, the same way in every process that needs it.
struct StreamsFactory {
    let settings: LookoutSettings
    let redis: RedisClient
    let postgres: PostgresClient
    let logger: Logger

    /// The Hik-Connect client, or nil when no account is configured.
    var hikConnect: HikConnectStreams? {
        guard let appKey = settings.streams.hikAppKey, let secret = settings.streams.hikSecret else { return nil }
        let configuration = HikConnectConfiguration(appKey: appKey, secretKey: secret, regionBaseURL: settings.streams.hikBaseURL, keys: settings.keys)
        return HikConnectStreams(client: HikConnectClient(configuration: configuration, redis: redis, logger: logger))
    }

    /// The Hik-Connect client, or exit 2 naming the missing setting.
    func requireHikConnect(for role: String) -> HikConnectStreams {
        guard let hikConnect else {
            SettingsOptions.exitWithConfigurationError(
                ConfigurationError(setting: Setting.hikAppKey.environmentName, problem: "is required for \(role)"))
        }
        return hikConnect
    }

    /// The stream URL cipher, or exit 2: a role that writes or reads stream URLs never runs
    /// without a key (a URL is never stored in plaintext, a sealed one cannot be read).
    func requireCipher(for role: String) -> StreamURLCipher {
        guard let cipher = settings.streams.streamURLCipher else {
            SettingsOptions.exitWithConfigurationError(
                ConfigurationError(
                    setting: Setting.streamURLKey.environmentName,
                    problem: "is required for \(role) (stream URLs are stored sealed); create one with `lookout secrets generate-key --id 1`"))
        }
        return cipher
    }

    /// 0600, or 0640 with `LOOKOUT_MEDIAMTX_CONFIG_GROUP`'s group; exit 2 for an unknown group.
    func mediamtxFilePermissions() -> FilePermissions {
        guard let name = settings.streams.mediamtxConfigGroup else { return .ownerOnly }
        guard let group = FilePermissions.group(named: name) else {
            SettingsOptions.exitWithConfigurationError(
                ConfigurationError(setting: Setting.mediamtxConfigGroup.environmentName, problem: "no group '\(name)' on this host"))
        }
        return .groupReadable(group)
    }

    var queue: RenewalQueue { RenewalQueue(redis: redis, keys: settings.keys) }

    var operations: StreamOperationsService {
        let discovery = hikConnect.map {
            DiscoveryService(inventory: $0, store: PostgresDiscoveryStore(client: postgres), queue: queue, logger: logger)
        }
        return StreamOperationsService(discovery: discovery, queue: queue, store: PostgresRenewalStore(client: postgres))
    }
}
