import ArgumentParser
import Foundation
import LookoutCore
import LookoutGateway
import LookoutRedis
import Metrics
import PostgresNIO
import Prometheus

/// `lookout gateway`: HTTP API, WebSocket `/ws` for NVR agents and dashboards, `/api/stats`.
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway", abstract: "HTTP API, WebSocket /ws for NVR agents and dashboards, /api/stats, /healthz, /readyz.")

    @OptionGroup var settings: SettingsOptions

    func run() async throws {
        let settings = try settings.load(requiring: [.redisURL, .databaseURL])
        // Every NVR is a socket: the default 1,024 (or 20,000) open files is far too few.
        let fileLimit = Int(clamping: FileLimit.raise())
        var capped = GatewayConfiguration(settings: settings)
        // A refusal (503) takes a file descriptor too, as do PostgreSQL and Redis: the cap on
        // connections stays this far under the open-file limit, so it is what answers first.
        let reserve = 512
        let lowered = fileLimit > 2 * reserve && (capped.maxConnections == 0 || capped.maxConnections > fileLimit - reserve)
        if lowered { capped.maxConnections = fileLimit - reserve }
        let configuration = capped
        let logger = {
            var logger = LoggingBootstrap.logger("lookout.gateway")
            logger[metadataKey: "lookout.gateway"] = "\(configuration.gatewayID)"
            return logger
        }()
        if lowered {
            logger.notice(
                "LOOKOUT_MAX_CONNECTIONS lowered under the open-file limit", metadata: ["lookout.max_connections": "\(configuration.maxConnections)"])
        }
        // One registry for /metrics: the gateway's own metrics and every swift-metrics counter
        // of the libraries it runs (the cloud client behind stream operations, among others).
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let postgres = PostgresClient(configuration: settings.postgresConfiguration(), backgroundLogger: logger)
        // Stream operations (discover, renew, dead set) for the API, on a Redis client of their own.
        let streamsRedis = RedisClient(configuration: settings.redisConfiguration(), logger: logger)
        let streams = StreamsFactory(settings: settings, redis: streamsRedis, postgres: postgres, logger: logger)
        let services = [streamsRedis] + Gateway.services(
            configuration: configuration, api: APIConfiguration(settings: settings), redisConfiguration: settings.redisConfiguration(),
            postgres: postgres, logger: logger, streamOperations: streams.operations, metrics: registry
        ) { port in
            logger.info("Gateway listening", metadata: ["lookout.http.address": "\(configuration.host):\(port)"])
        }
        try await RoleRunner.run(services, logger: logger, shutdownLimit: .seconds(30) + configuration.drainWindow)
    }
}
