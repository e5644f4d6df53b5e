import Foundation
import LookoutCore
import LookoutNotify
import LookoutRedis
import LookoutStore
import LookoutTestSupport
import LookoutWorkers
import PostgresNIO
import Testing

/// The sweeper's stored NVR alert (issue 13, item 5): past the flap grace it opens
/// `nvr_offline` and publishes it to the feed (the old `alert` and an `alert_event`); when the NVR
/// is online again, `nvr_back`.
@Suite(.timeLimit(.minutes(1))) struct SweeperAlertTests {
    @Test func anNVROfflinePastTheGraceAlertsAndItsReturnIsNVRBack() async throws {
        let logs = LogCapture()
        let database = try await ScratchDatabase.create()
        let postgres = PostgresClient(configuration: try PostgresClient.Configuration(url: database.url), backgroundLogger: logs.logger("test.pg"))
        let postgresTask = Task { await postgres.run() }
        let redis = RedisClient(configuration: try RedisConfiguration(url: try TestEnvironment.redisURL), logger: logs.logger("test.redis"))
        let keys = RedisKeys(prefix: TestEnvironment.uniqueName(#function) + ":")
        var sweeperTask: Task<Void, any Error>?
        try await withTeardown({
            sweeperTask?.cancel()
            _ = try? await sweeperTask?.value
            _ = try? await redis.send(RedisCommand("EVAL", ["for _, k in ipairs(redis.call('KEYS', ARGV[1] .. '*')) do redis.call('DEL', k) end", "0", keys.prefix]))
            await redis.close()
            postgresTask.cancel()
            try? await database.drop()
        }) {
            _ = try await PostgresMigrator().migrate(client: postgres, logger: logs.logger("test.migrate"))
            let store = PostgresPresenceStore(client: postgres, logger: logs.logger("test.store"))
            _ = try await PostgresNVRRepository(client: postgres).create(hostname: "nvr-gone", name: "", cameraCount: 0)
            let now = unixMillis()
            let event = { (kind: PresenceEvent.Kind, version: Int64, at: Int64) in
                PresenceEvent(kind: kind, hostname: "nvr-gone", version: version, sessionID: "s\(version)", gatewayID: "gw", at: at, reason: nil)
            }
            _ = try await store.apply([event(.connected, 1, now - 20_000), event(.disconnected, 1, now - 10_000)], logger: logs.logger("test"))
            var options = SweeperOptions()
            options.interval = .milliseconds(100)
            let sweeper = PresenceSweeper(
                options: options, keys: keys, heartbeatInterval: .seconds(60), flapGrace: .seconds(1), redis: redis, store: store,
                notifier: NotificationPublisher(redis: redis, keys: keys), logger: logs.logger("test.sweeper"))
            sweeperTask = Task { try await sweeper.run() }
            func feed() async throws -> [String] {
                try await redis.xrange(keys.notifyHistory).compactMap { $0.fields["m"] }
            }
            #expect(try await eventually { try await feed().contains { $0.contains(#""headline":"nvr_offline""#) } })
            #expect(try await feed().contains { $0.hasSuffix(#""type":"alert"}"#) }, "the dashboard's alert as before")
            _ = try await store.apply([event(.connected, 2, unixMillis())], logger: logs.logger("test"))
            #expect(try await eventually { try await feed().contains { $0.contains(#""headline":"nvr_back""#) } })
            let alerts = try await PostgresAlertRepository(client: postgres).list().alerts
            #expect(alerts.count == 1 && alerts[0].kind == .nvrOffline && !alerts[0].open)
            #expect(try await feed().filter { $0.contains("alert_event") }.count == 2, "each change once")
        }
    }
}
