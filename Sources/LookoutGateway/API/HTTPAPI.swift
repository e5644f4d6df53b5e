import HTTPTypes
import Hummingbird
import Logging
import LookoutCore
import LookoutNotify
import LookoutRedis
import LookoutStore
import NIOCore
import PostgresNIO

/// The gateway's HTTP side besides `/ws`: its middleware (metrics, security headers, CORS, the
/// one error shape, the path guard, authorization on the matched route) and its routes (cameras, NVRs, stream operations, `/metrics`,
/// `/openapi.json`, the dashboard page).
struct HTTPAPI: Sendable {
    let configuration: APIConfiguration
    let redis: RedisClient
    let postgres: PostgresClient
    let keys: RedisKeys
    let streamOperations: (any StreamOperations)?
    let metrics: HTTPMetrics
    let apiKeys: APIKeyAuthenticator
    /// The gateway's one failed-auth limiter, shared with `/ws`.
    let failedAuth: FailedAuthLimiter
    let logger: Logger

    /// Middleware applies to the routes added after it, so this comes first. Outermost first:
    /// metrics see every final status; security headers and CORS decorate error responses too.
    /// The path guard and authorization run inside CORS (a preflight needs no key; refusals carry
    /// CORS headers) and the error middleware (refusals get the one error shape).
    func addMiddleware(to routes: RouteTable) {
        let router = routes.router
        router.add(middleware: HTTPMetricsMiddleware(metrics: metrics))
        router.add(middleware: SecurityHeadersMiddleware(configuration: configuration))
        router.add(middleware: CORSPolicyMiddleware(origins: configuration.corsOrigins))
        router.add(middleware: APIErrorMiddleware())
        router.add(middleware: PathGuardMiddleware())
        router.add(
            middleware: RouteAuthorizationMiddleware(
                routes: routes.rules, apiKeys: apiKeys,
                limiter: failedAuth, metrics: metrics))
    }

    func register(on router: RouteTable) {
        let nvrs = PostgresNVRRepository(client: postgres, logger: logger)
        let notifier = APINotifier(redis: redis, keys: keys, nvrs: nvrs, logger: logger)
        // One for `/live` (issues credentials) and `/mediamtx/auth` (checks them).
        let playback = PlaybackAuthorization(settings: configuration.playback, apiKeys: apiKeys.keys)
        CameraRoutes(
            cameras: PostgresCameraRepository(client: postgres, logger: logger), notifier: notifier, playback: playback, configuration: configuration)
            .register(on: router)
        NVRRoutes(
            nvrs: nvrs, sessions: PostgresSessionHistory(client: postgres, logger: logger), notifier: notifier, metrics: metrics,
            configuration: configuration
        ).register(on: router)
        StreamOperationRoutes(operations: streamOperations, configuration: configuration).register(on: router)
        DeadLetterRoutes(
            letters: PresenceDeadLetters(redis: redis, keys: keys), operations: streamOperations,
            alertOutbox: PostgresAlertOutbox(client: postgres, logger: logger), configuration: configuration
        ).register(on: router)
        AlertRoutes(alerts: PostgresAlertRepository(client: postgres, logger: logger)).register(on: router)
        APIKeyRoutes(keys: apiKeys.keys, configuration: configuration).register(on: router)
        DashboardRoutes(configuration: configuration).register(on: router)
        PlaybackAuthRoutes(playback: playback, configuration: configuration).register(on: router)
        let metrics = self.metrics
        // Open: Prometheus scrapes without a key; counts only, no hostnames or secrets.
        router.get("/metrics", .open) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }
        router.get("/openapi.json", .open) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.json)))
        }
    }
}
