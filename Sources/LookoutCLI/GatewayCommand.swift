import ArgumentParser
import Foundation
import LookoutCore
import LookoutGateway
import LookoutRedis
import PostgresNIO

/// `lookout gateway`: HTTP API, WebSocket `/ws` for NVR agents and dashboards, `/api/stats`.
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway", abstract: "HTTP API, WebSocket /ws for NVR agents and dashboards, /api/stats, /healthz, /readyz.")

    @OptionGroup var settings: SettingsOptions

    func run() async throws {
        let settings = try settings.load(requiring: [.redisURL, .databaseURL])
        // Every NVR is a socket: the default 1,024 (or 20,000) open files is far too few.
        FileLimit.raise()
        let configuration = GatewayConfiguration(settings: settings)
        let logger = {
            var logger = LoggingBootstrap.logger("lookout.gateway")
            logger[metadataKey: "lookout.gateway"] = "\(configuration.gatewayID)"
            return logger
        }()
        let postgres = PostgresClient(configuration: settings.postgresConfiguration(), backgroundLogger: logger)
        // Stream operations (discover, renew, dead set) for the API, on a Redis client of their own.
        let streamsRedis = RedisClient(configuration: settings.redisConfiguration(), logger: logger)
        let streams = StreamsFactory(settings: settings, redis: streamsRedis, postgres: postgres, logger: logger)
        let services = [streamsRedis] + Gateway.services(
            configuration: configuration, api: APIConfiguration(settings: settings), redisConfiguration: settings.redisConfiguration(),
            postgres: postgres, logger: logger, streamOperations: streams.operations
        ) { port in
            logger.info("Gateway listening", metadata: ["lookout.http.address": "\(configuration.host):\(port)"])
        }
        try await RoleRunner.run(services, logger: logger)
    }
}
