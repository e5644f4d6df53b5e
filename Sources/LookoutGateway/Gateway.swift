import Foundation
import Hummingbird
import HummingbirdWebSocket
public import Logging
import LookoutCore
public import LookoutRedis
import LookoutStore
public import PostgresNIO
public import ServiceLifecycle

/// Builds the gateway process: its clients, the HTTP + WebSocket application and the
/// background services, as one list for one ServiceGroup (clients first, so they stop last).
public enum Gateway {
    public static func services(
        configuration: GatewayConfiguration, redisConfiguration: RedisConfiguration, postgres: PostgresClient, logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> [any Service] {
        let redis = RedisClient(configuration: redisConfiguration, logger: logger)
        let keys = configuration.keys
        let publisher = PresencePublisher(
            redis: redis, keys: keys, gatewayID: configuration.gatewayID, streamMaxLength: configuration.presenceStreamMaxLength)
        let lifecycle = NVRSessionLifecycle(registry: NVRSessionRegistry(), publisher: publisher)
        let history = NotificationHistory(redis: redis, keys: keys)
        let subscriber = RedisSubscriber(channels: [keys.notifyChannel], configuration: redisConfiguration, logger: logger)
        let hub = DashboardHub(
            subscriber: subscriber, history: history, lifecycle: lifecycle, queueLimit: configuration.dashboardQueueLimit, logger: logger)
        let nvrs = PostgresNVRRepository(client: postgres)
        let socketHandler = GatewaySocketHandler(
            configuration: configuration,
            nvrHandler: NVRSocketHandler(configuration: configuration, nvrs: nvrs, lifecycle: lifecycle),
            dashboardHandler: DashboardSocketHandler(
                configuration: configuration, apiKeys: PostgresAPIKeyRepository(client: postgres), nvrs: nvrs, hub: hub, history: history))

        let router = Router(context: BasicWebSocketRequestContext.self)
        router.add(middleware: LogRequestsMiddleware(.debug))
        GatewayRoutes(redis: redis, postgres: postgres, keys: keys).register(on: router)
        router.ws("/ws") { inbound, outbound, context in
            var connectionLogger = context.logger
            connectionLogger[metadataKey: "lookout.gateway"] = "\(configuration.gatewayID)"
            try await socketHandler.handle(inbound: inbound, outbound: outbound, logger: connectionLogger)
        }
        let webSocket = WebSocketServerConfiguration(
            maxFrameSize: configuration.maxMessageSize, autoPing: .enabled(timePeriod: .seconds(30)), closeTimeout: .seconds(3))
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router, configuration: .init(ws: webSocket)),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "lookout"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
        let housekeeping = GatewayHousekeeping(
            configuration: configuration, lifecycle: lifecycle, redis: redis, dashboards: { hub.dashboardCount }, startedAt: unixMillis(),
            logger: logger)
        // Shutdown runs in reverse: NVR sockets close first, then dashboards, then the server.
        return [redis, postgres, app, hub, housekeeping]
    }
}
