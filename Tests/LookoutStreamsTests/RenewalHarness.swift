import Foundation
import Logging
import LookoutCore
import LookoutHikConnect
import LookoutHikSimulator
import LookoutRedis
import LookoutStore
import LookoutTestSupport
import LookoutWorkers
import PostgresNIO
import Synchronization

/// Renewal workers in this process, for tests that need to stall, cancel or fence one: a
/// migrated scratch database, the test Redis under a unique prefix, the Hik-Connect simulator
/// in process and a real client of it. Everything is stopped however the body ends.
final class RenewalHarness: Sendable {
    let database: ScratchDatabase
    let postgres: PostgresClient
    let redis: RedisClient
    let keys: RedisKeys
    let simulator: HikCloudSimulator
    let client: HikConnectClient
    let logs: LogCapture

    var control: HikSimulatorControl { simulator.control }
    var stats: HikSimulatorStats { simulator.control.stats() }
    var queue: RenewalQueue { RenewalQueue(redis: redis, keys: keys) }
    var hik: HikConnectStreams { HikConnectStreams(client: client) }

    private init(
        database: ScratchDatabase, postgres: PostgresClient, redis: RedisClient, keys: RedisKeys, simulator: HikCloudSimulator,
        client: HikConnectClient, logs: LogCapture
    ) {
        self.database = database
        self.postgres = postgres
        self.redis = redis
        self.keys = keys
        self.simulator = simulator
        self.client = client
        self.logs = logs
    }

    static func with(
        devices: Int = 1, channels: Int = 1, name: String = #function, configure: (inout HikConnectConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (RenewalHarness) async throws -> Void
    ) async throws {
        let logs = LogCapture()
        var options = HikCloudSimulator.Options()
        (options.devices, options.channels) = (devices, channels)
        let simulator = HikCloudSimulator(options: options, logger: logs.logger("test.hik.simulator"))
        let simulatorTask = Task { try await simulator.run() }
        let database = try await ScratchDatabase.create(name)
        let postgres = PostgresClient(configuration: try PostgresClient.Configuration(url: database.url), backgroundLogger: logs.logger("test.pg"))
        let postgresTask = Task { await postgres.run() }
        let redis = RedisClient(configuration: try RedisConfiguration(url: try TestEnvironment.redisURL), logger: logs.logger("test.redis"))
        let keys = RedisKeys(prefix: TestEnvironment.uniqueName(name) + ":")
        try await withTeardown({
            _ = try? await redis.send(RedisCommand("EVAL", ["for _, k in ipairs(redis.call('KEYS', ARGV[1] .. '*')) do redis.call('DEL', k) end", "0", keys.prefix]))
            await redis.close()
            postgresTask.cancel()
            try? await database.drop()
            simulatorTask.cancel()
            _ = try? await simulatorTask.value
        }) {
            let migrated = try await ChildProcess.lookout(["migrate"], environment: ["LOOKOUT_DATABASE_URL": database.url])
            guard migrated.status == 0 else { throw SystemError(message: "lookout migrate failed: \(migrated.stderr)") }
            let baseURL = try await withTimeLimit(.seconds(10)) { await simulator.baseURL }
            var configuration = HikConnectConfiguration(
                appKey: options.appKey, secretKey: options.secretKey, regionBaseURL: baseURL, requestTimeout: .seconds(5), keys: keys)
            configure(&configuration)
            let client = HikConnectClient(configuration: configuration, redis: redis, logger: logs.logger("test.hik.client"))
            let harness = RenewalHarness(
                database: database, postgres: postgres, redis: redis, keys: keys, simulator: simulator, client: client, logs: logs)
            try await withTimeLimit(.seconds(60)) { try await body(harness) }
        }
    }

    var store: PostgresRenewalStore {
        get throws {
            let cipher = try StreamURLCipher(current: StreamURLCipher.Key(setting: TestStreamURLKey.setting))
            return PostgresRenewalStore(client: postgres, cipher: cipher, logger: logs.logger("test.store"))
        }
    }

    var alerts: PostgresAlertRepository { PostgresAlertRepository(client: postgres, logger: logs.logger("test.alerts")) }

    /// `kind:open` or `kind:recovered` of every stored alert, oldest first.
    func alertStates() async throws -> [String] {
        try await alerts.list(limit: 500).alerts.sorted { $0.id < $1.id }.map { "\($0.kind.rawValue):\($0.open ? "open" : "recovered")" }
    }

    /// Discovers the simulator's cameras into PostgreSQL; their first renewals are due now.
    @discardableResult
    func discover() async throws -> [Int64] {
        let discovery = DiscoveryService(inventory: hik, store: PostgresDiscoveryStore(client: postgres), queue: queue, logger: logs.logger("test.discovery"))
        return try await discovery.run().createdIDs.sorted()
    }

    /// Fast retries, short leases; `tune` adjusts.
    func worker(provider: (any LiveAddressProvider)? = nil, _ tune: (inout RenewalOptions) -> Void = { _ in }) throws -> RenewalWorker {
        var options = RenewalOptions()
        options.concurrency = 2
        options.lease = .seconds(3)
        options.retry.initial = .milliseconds(20)
        options.retry.maximum = .milliseconds(50)
        options.expiryMargin = .seconds(2)
        tune(&options)
        return RenewalWorker(
            options: options, queue: queue, store: try store, provider: provider ?? hik, redis: redis, keys: keys, logger: logs.logger("test.renewal"),
            alerts: AlertRecorder(alerts: alerts, notifier: nil, logger: logs.logger("test.alerts")))
    }

    /// Runs `worker` while `body` runs, then cancels it (as a shutdown does) and waits for it.
    func running(_ worker: RenewalWorker, _ body: () async throws -> Void) async throws {
        let task = Task { try await worker.run() }
        try await withTeardown({
            task.cancel()
            _ = try? await task.value
        }) {
            try await body()
        }
    }

    func sql(_ query: String) async throws -> String {
        try await database.query(query)
    }

    func logCount(_ text: String) -> Int {
        logs.all.filter { $0.contains(text) }.count
    }
}

/// A provider whose calls wait until released: a worker stalled right before its cloud call.
final class StallingProvider: LiveAddressProvider, Sendable {
    let inner: any LiveAddressProvider
    private let state = Mutex<(entered: Int, released: Bool, waiters: [CheckedContinuation<Void, Never>])>((0, false, []))

    init(inner: any LiveAddressProvider) {
        self.inner = inner
    }

    var entered: Int { state.withLock { $0.entered } }

    func release() {
        let waiters = state.withLock { state in
            state.released = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func liveAddress(for target: RenewalTarget, lifetime: Duration) async throws(RenewalFailure) -> (url: String, expiresAt: Int64) {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state in
                state.entered += 1
                if state.released { return true }
                state.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
        return try await inner.liveAddress(for: target, lifetime: lifetime)
    }
}

/// A provider answering from a closure, counting calls.
final class ScriptedProvider: LiveAddressProvider, Sendable {
    typealias Answer = @Sendable (RenewalTarget) async throws -> (url: String, expiresAt: Int64)
    private let answer: Answer
    private let count = Mutex(0)

    init(_ answer: @escaping Answer) {
        self.answer = answer
    }

    var calls: Int { count.withLock { $0 } }

    func liveAddress(for target: RenewalTarget, lifetime: Duration) async throws(RenewalFailure) -> (url: String, expiresAt: Int64) {
        count.withLock { $0 += 1 }
        do {
            return try await answer(target)
        } catch let failure as RenewalFailure {
            throw failure
        } catch {
            throw RenewalFailure(.retryable, "\(error)")
        }
    }

    /// A fresh URL valid for a week.
    static func url(for target: RenewalTarget) -> (url: String, expiresAt: Int64) {
        let expires = unixMillis() + 7 * 86_400_000
        return ("rtmp://192.0.2.1:1935/live/\(target.cameraID)?expire=\(expires / 1000)", expires)
    }
}
