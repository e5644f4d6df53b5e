import Foundation
public import Hummingbird
import HummingbirdCore
public import Logging
public import LookoutCore
public import LookoutRedis
import LookoutStore
public import PostgresNIO
public import Prometheus
public import ServiceLifecycle

/// Builds the gateway process: its clients, the HTTP + WebSocket application and the
/// background services, as one list for one ServiceGroup (clients first, so they stop last).
public enum Gateway {
    public static func services(
        configuration: GatewayConfiguration, api: APIConfiguration = APIConfiguration(), redisConfiguration: RedisConfiguration,
        postgres: PostgresClient, logger: Logger, streamOperations: (any StreamOperations)? = nil,
        metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> [any Service] {
        let parts = assemble(
            configuration: configuration, api: api, redisConfiguration: redisConfiguration, postgres: postgres, logger: logger,
            streamOperations: streamOperations, metrics: metrics)
        let listener = parts.listener
        let sockets = parts.sockets
        let app = Application(
            router: parts.router,
            server: HTTPServerBuilder { responder in GatewayChildChannel(responder: responder, services: sockets) },
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "lookout", backlog: GatewayConfiguration.listenBacklog),
            onServerRunning: { channel in
                await listener.set(channel)
                await onServerRunning(channel.localAddress?.port ?? configuration.port)
            },
            logger: logger)
        // Shutdown runs in reverse: the NVR sockets drain first over the drain window
        // (housekeeping; `/readyz` answers 503 and new sockets get 1012 from its start), then
        // dashboards are closed with 1012, then the server's remaining connections.
        return [parts.redis, postgres, app, parts.hub, parts.housekeeping, parts.keyWatch]
    }

    /// The gateway's parts before anything runs: the router with every route (HTTP API,
    /// dashboard page, `/ws`) and the services around it. Tests serve ``GatewayParts/router``
    /// with `app.test(.router)` and read its routes.
    public static func assemble(
        configuration: GatewayConfiguration, api: APIConfiguration, redisConfiguration: RedisConfiguration, postgres: PostgresClient,
        logger: Logger, streamOperations: (any StreamOperations)? = nil,
        metrics registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()
    ) -> GatewayParts {
        let redis = RedisClient(configuration: redisConfiguration, logger: logger)
        let keys = configuration.keys
        let publisher = PresencePublisher(
            redis: redis, keys: keys, gatewayID: configuration.gatewayID, streamMaxLength: configuration.presenceStreamMaxLength)
        let outbox = PresenceOutbox(limit: configuration.presenceBacklogLimit, registry: registry, logger: logger) { events throws(RedisError) in
            try await publisher.send(events)
        }
        let lifecycle = NVRSessionLifecycle(registry: NVRSessionRegistry(), publisher: publisher, outbox: outbox)
        let nvrs = PostgresNVRRepository(client: postgres)
        let history = NotificationHistory(redis: redis, keys: keys)
        let follower = FeedFollower(history: history, snapshots: DashboardSnapshots(history: history, nvrs: nvrs))
        let subscriber = RedisSubscriber(channels: [keys.notifyChannel, keys.gatewayControl], configuration: redisConfiguration, logger: logger)
        let hub = DashboardHub(
            subscriber: subscriber, follower: follower, lifecycle: lifecycle, queueLimit: configuration.dashboardQueueLimit,
            controlChannel: keys.gatewayControl, resynced: DashboardHub.resyncCounter(registry), logger: logger)
        let apiKeys = APIKeyAuthenticator(keys: PostgresAPIKeyRepository(client: postgres, logger: logger))
        // One failed-auth count per client address for `/api` and `/ws` alike.
        let failedAuth = FailedAuthLimiter(limit: api.authFailureLimit)
        let sockets = GatewaySocketServices(
            configuration: configuration,
            nvrs: NVRSocketHandler(configuration: configuration, nvrs: nvrs, lifecycle: lifecycle, failedAuth: failedAuth),
            dashboards: DashboardSocketHandler(
                configuration: configuration, apiKeys: apiKeys, hub: hub, follower: follower, failedAuth: failedAuth),
            failedAuth: failedAuth,
            connections: ConnectionLimiter(
                maxConnections: configuration.maxConnections, maxPerAddress: configuration.maxConnectionsPerAddress,
                refused: refusalCounter(registry)))
        let metrics = HTTPMetrics(
            registry: registry, nvrConnections: { lifecycle.registry.count }, dashboardConnections: { hub.dashboardCount })
        let http = HTTPAPI(
            configuration: api, redis: redis, postgres: postgres, keys: keys, streamOperations: streamOperations, metrics: metrics, apiKeys: apiKeys,
            failedAuth: failedAuth, logger: logger)

        let router = Router(context: GatewayRequestContext.self, options: .autoGenerateHeadEndpoints)
        let routes = RouteTable(router: router)
        router.add(middleware: ClientAddressMiddleware(clientAddress: configuration.clientAddress))
        http.addMiddleware(to: routes)
        router.add(middleware: LogRequestsMiddleware(.debug))
        GatewayRoutes(redis: redis, postgres: postgres, keys: keys, draining: { lifecycle.registry.isDraining }).register(on: routes)
        http.register(on: routes)
        // The upgrade itself is GatewayChildChannel's; a plain GET gets 426 from here. Open: the
        // socket's first message carries its credentials.
        routes.get(GatewayChildChannel.path, .open) { _, _ -> Response in throw APIError.upgradeRequired }
        routes.finish()
        let listener = GatewayListener()
        let housekeeping = GatewayHousekeeping(
            configuration: configuration, lifecycle: lifecycle, redis: redis, dashboards: { hub.dashboardCount },
            startedAt: unixMillis(), logger: logger)
        let keyWatch = APIKeyWatch(authenticator: apiKeys, hub: hub, options: .init(), logger: logger)
        return GatewayParts(
            router: router, routes: routes.rules, redis: redis, hub: hub, housekeeping: housekeeping, keyWatch: keyWatch, listener: listener, sockets: sockets)
    }
}

extension Gateway {
    /// `lookout_connections_refused_total{cap="address"|"gateway"}`: connections answered 503
    /// at accept (docs/security.md, "Abuse bounds").
    static func refusalCounter(_ registry: PrometheusCollectorRegistry) -> @Sendable (ConnectionLimiter.Refusal) -> Void {
        let descriptor = HTTPMetrics.name("connections_refused", "total", "Connections refused at accept for a connection cap")
        let address = registry.makeCounter(descriptor: descriptor, labels: [("cap", "address")])
        let gateway = registry.makeCounter(descriptor: descriptor, labels: [("cap", "gateway")])
        return { refusal in
            switch refusal {
            case .addressFull: address.increment()
            case .gatewayFull: gateway.increment()
            }
        }
    }
}

/// What ``Gateway/assemble(configuration:api:redisConfiguration:postgres:logger:streamOperations:metrics:)`` builds.
public struct GatewayParts {
    public let router: Router<GatewayRequestContext>
    /// Every route with its declared access (`router.routes` also lists the 405 answers).
    let routes: RouteRules
    public let redis: RedisClient
    let hub: DashboardHub
    let housekeeping: GatewayHousekeeping
    let keyWatch: APIKeyWatch
    let listener: GatewayListener
    let sockets: GatewaySocketServices
}
