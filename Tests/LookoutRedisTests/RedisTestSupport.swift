import Logging
import LookoutRedis
import LookoutTestSupport

extension Logger {
    static let test: Logger = {
        var logger = Logger(label: "lookout.test")
        logger.logLevel = .warning
        return logger
    }()
}

/// A client on the shared test Redis, closed after `body`.
func withRedisClient<T>(
    url: String? = nil, commandTimeout: Duration = .seconds(5), _ body: (RedisClient) async throws -> T
) async throws -> T {
    var configuration = try RedisConfiguration(url: url ?? TestEnvironment.redisURL)
    configuration.commandTimeout = commandTimeout
    configuration.connectTimeout = .seconds(1)
    let client = RedisClient(configuration: configuration, logger: .test)
    do {
        let result = try await body(client)
        await client.close()
        return result
    } catch {
        await client.close()
        throw error
    }
}
