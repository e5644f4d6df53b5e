import Logging
import LookoutCore
import LookoutRedis

/// Runs `body` with a Redis client for one command and closes it afterwards, whether `body`
/// returned or threw (a `defer { Task { … } }` would let the close outlive the command).
func withRedis<T: Sendable>(
    _ settings: LookoutSettings, logger: Logger, _ body: (RedisClient) async throws -> T
) async throws -> T {
    let redis = RedisClient(configuration: settings.redisConfiguration(), logger: logger)
    do {
        let result = try await body(redis)
        await redis.close()
        return result
    } catch {
        await redis.close()
        throw error
    }
}
