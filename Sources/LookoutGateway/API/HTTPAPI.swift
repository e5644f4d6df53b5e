import HTTPTypes
import Hummingbird
import Logging
import LookoutCore
import LookoutRedis
import LookoutStore
import NIOCore
import PostgresNIO

/// The gateway's HTTP side besides `/ws`: its middleware (metrics, security headers, CORS, the
/// one error shape, API keys) and its routes (cameras, NVRs, stream operations, `/metrics`,
/// `/openapi.json`, the dashboard page).
struct HTTPAPI: Sendable {
    let configuration: APIConfiguration
    let redis: RedisClient
    let postgres: PostgresClient
    let keys: RedisKeys
    let streamOperations: (any StreamOperations)?
    let metrics: HTTPMetrics
    let logger: Logger

    /// Middleware applies to the routes added after it, so this comes first. Outermost first:
    /// metrics see every final status; security headers and CORS decorate error responses too.
    func addMiddleware(to router: Router<GatewayRequestContext>) {
        router.add(middleware: HTTPMetricsMiddleware(metrics: metrics))
        router.add(middleware: SecurityHeadersMiddleware(configuration: configuration))
        router.add(middleware: CORSPolicyMiddleware(origins: configuration.corsOrigins))
        router.add(middleware: APIErrorMiddleware())
        router.add(
            middleware: APIKeyMiddleware(
                apiKeys: PostgresAPIKeyRepository(client: postgres, logger: logger),
                limiter: FailedAuthLimiter(limit: configuration.authFailureLimit), metrics: metrics))
    }

    func register(on router: Router<GatewayRequestContext>) {
        let nvrs = PostgresNVRRepository(client: postgres, logger: logger)
        let notifier = APINotifier(redis: redis, keys: keys, nvrs: nvrs, logger: logger)
        CameraRoutes(cameras: PostgresCameraRepository(client: postgres, logger: logger), notifier: notifier, configuration: configuration)
            .register(on: router)
        NVRRoutes(
            nvrs: nvrs, sessions: PostgresSessionHistory(client: postgres, logger: logger), notifier: notifier, metrics: metrics,
            configuration: configuration
        ).register(on: router)
        StreamOperationRoutes(operations: streamOperations, configuration: configuration).register(on: router)
        DashboardRoutes(configuration: configuration).register(on: router)
        PlaybackAuthRoutes(
            playback: PlaybackAuthorization(settings: configuration.playback, apiKeys: PostgresAPIKeyRepository(client: postgres, logger: logger)),
            configuration: configuration
        ).register(on: router)
        let metrics = self.metrics
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }
        router.get("/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.json)))
        }
    }
}
