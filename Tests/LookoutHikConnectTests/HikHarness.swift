import Foundation
import Logging
import LookoutCore
import LookoutHikConnect
import LookoutHikSimulator
import LookoutRedis
import LookoutTestSupport

/// One simulated cloud on a loopback port, the shared test Redis under a unique key prefix,
/// and a factory for clients that share that prefix as the processes of one account do.
final class HikHarness: Sendable {
    let simulator: HikCloudSimulator
    let baseURL: String
    let keys: RedisKeys
    let redis: RedisClient
    let logs: LogCapture
    private let server: Task<Void, any Error>

    var control: HikSimulatorControl { simulator.control }
    var stats: HikSimulatorStats { simulator.control.stats() }

    private init(simulator: HikCloudSimulator, baseURL: String, keys: RedisKeys, redis: RedisClient, logs: LogCapture, server: Task<Void, any Error>)
    {
        self.simulator = simulator
        self.baseURL = baseURL
        self.keys = keys
        self.redis = redis
        self.logs = logs
        self.server = server
    }

    /// Starts a simulator, runs `body`, and always stops the simulator and cleans Redis up.
    static func with<T: Sendable>(
        _ options: HikCloudSimulator.Options = .init(), name: String = #function, _ body: @escaping @Sendable (HikHarness) async throws -> T
    ) async throws -> T {
        let logs = LogCapture()
        let simulator = HikCloudSimulator(options: options, logger: logs.logger("test.hik.simulator"))
        let server = Task { try await simulator.run() }
        let baseURL = try await withTimeLimit(.seconds(10)) { await simulator.baseURL }
        let redis = RedisClient(configuration: try RedisConfiguration(url: try TestEnvironment.redisURL), logger: logs.logger("test.redis"))
        let harness = HikHarness(
            simulator: simulator, baseURL: baseURL, keys: RedisKeys(prefix: TestEnvironment.uniqueName(name) + ":"), redis: redis, logs: logs,
            server: server)
        do {
            let result = try await withTimeLimit(.seconds(60)) { try await body(harness) }
            await harness.stop()
            return result
        } catch {
            await harness.stop()
            throw error
        }
    }

    /// A client of the simulated account; `redis` lets a client act as its own process.
    func client(redis: RedisClient? = nil, _ configure: (inout HikConnectConfiguration) -> Void = { _ in }) -> HikConnectClient {
        let options = control.options
        var configuration = HikConnectConfiguration(
            appKey: options.appKey, secretKey: options.secretKey, regionBaseURL: baseURL, requestTimeout: .seconds(5), keys: keys)
        configure(&configuration)
        return HikConnectClient(configuration: configuration, redis: redis ?? self.redis, logger: logs.logger("test.hik.client"))
    }

    /// Another connection to the test Redis, as a separate process would have.
    func newRedisClient() throws -> RedisClient {
        RedisClient(configuration: try RedisConfiguration(url: try TestEnvironment.redisURL), logger: logs.logger("test.redis"))
    }

    /// The token string every process currently shares (from Redis).
    func sharedToken() async throws -> String? {
        guard let json = try await redis.get(keys.hikToken) else { return nil }
        guard let start = json.range(of: #""accessToken":""#)?.upperBound, let end = json[start...].firstIndex(of: "\"") else { return nil }
        return String(json[start..<end])
    }

    private func stop() async {
        _ = try? await redis.del(keys.hikToken, keys.hikToken + ":login", keys.hikRateLimit)
        await redis.close()
        server.cancel()
        _ = try? await server.value
    }
}
