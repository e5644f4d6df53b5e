import LookoutCore
import LookoutHikConnect
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

    var queue: RenewalQueue { RenewalQueue(redis: redis, keys: settings.keys) }

    var operations: StreamOperationsService {
        let discovery = hikConnect.map {
            DiscoveryService(inventory: $0, store: PostgresDiscoveryStore(client: postgres), queue: queue, logger: logger)
        }
        return StreamOperationsService(discovery: discovery, queue: queue, store: PostgresRenewalStore(client: postgres))
    }
}
