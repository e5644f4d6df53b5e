import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import LookoutCore
@testable import LookoutGateway
import LookoutRedis
import LookoutStore
import LookoutTestSupport
import NIOCore
import PostgresNIO
import Testing

/// What a router test works with: the gateway's real router in process (`app.test(.router)`),
/// a migrated scratch database, its own Redis key prefix, a viewer and an admin key, and every
/// log line the gateway wrote.
struct APIFixture: Sendable {
    let client: any TestClientProtocol
    let postgres: PostgresClient
    let redis: RedisClient
    let keys: RedisKeys
    let database: ScratchDatabase
    let viewerKey: String
    let adminKey: String
    let logs: LogCapture
    /// Every route the router answers, "METHOD /path" (with the 405/OPTIONS answers).
    let routes: [String]
    /// The routes the gateway declared, with their access.
    let table: RouteRules

    /// Sends a request; `key` goes in `Authorization: Bearer`.
    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ path: String, key: String? = nil, json: String? = nil, headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = headers
        if let key { headers[.authorization] = "Bearer \(key)" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    func admin(_ method: HTTPRequest.Method, _ path: String, json: String? = nil) async throws -> TestResponse {
        try await call(method, path, key: adminKey, json: json)
    }

    func viewer(_ method: HTTPRequest.Method, _ path: String) async throws -> TestResponse {
        try await call(method, path, key: viewerKey)
    }
}

/// Runs `body` against a fresh gateway router; everything is torn down afterwards.
func withAPI(
    environment: [String: String] = [:], streamOperations: (any StreamOperations)? = nil, _ name: String = #function,
    _ body: @escaping @Sendable (APIFixture) async throws -> Void
) async throws {
    let system = try await LookoutSystem.start(name)
    let logs = LogCapture()
    var logger = Logger(label: "lookout.api.test") { label in logs.handler(label: label) }
    logger.logLevel = .trace
    let postgres = PostgresClient(configuration: try PostgresClient.Configuration(url: system.database.url), backgroundLogger: logger)
    var variables = system.environment
    variables["LOOKOUT_AUTH_FAILURE_LIMIT"] = "1000"
    variables["LOOKOUT_HLS_BASE_URL"] = "http://media.test:8888"
    variables.merge(environment) { $1 }
    let settings = try LookoutSettings(source: SettingsSource(environment: variables))
    let redisConfiguration = try RedisConfiguration(url: TestEnvironment.redisURL)
    do {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await postgres.run() }
            defer { group.cancelAll() }
            let apiKeys = PostgresAPIKeyRepository(client: postgres)
            let viewerKey = try await apiKeys.create(role: .viewer, name: "test-viewer")
            let adminKey = try await apiKeys.create(role: .admin, name: "test-admin")
            let parts = Gateway.assemble(
                configuration: GatewayConfiguration(settings: settings), api: APIConfiguration(settings: settings),
                redisConfiguration: redisConfiguration, postgres: postgres, logger: logger, streamOperations: streamOperations)
            let routes = parts.router.routes.map { "\($0.method.rawValue) \($0.path)" }
            let table = parts.routes
            let redis = parts.redis
            try await withTeardown({ await redis.close() }) {
                let app = Application(router: parts.router, logger: logger)
                try await app.test(.router) { client in
                    try await body(
                        APIFixture(
                            client: client, postgres: postgres, redis: redis, keys: settings.keys, database: system.database, viewerKey: viewerKey,
                            adminKey: adminKey, logs: logs, routes: routes, table: table))
                }
            }
        }
    } catch {
        await system.shutdown()
        throw error
    }
    await system.shutdown()
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The body as a JSON object (empty when it is not one).
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    /// `error.code` of an error body.
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    var errorField: String? { (json["error"] as? [String: Any])?["field"] as? String }
}

extension [String: Any] {
    func object(_ key: String) -> [String: Any] { self[key] as? [String: Any] ?? [:] }
    func objects(_ key: String) -> [[String: Any]] { self[key] as? [[String: Any]] ?? [] }
    func int(_ key: String) -> Int64? { (self[key] as? NSNumber)?.int64Value }
}
