import Foundation
import Logging
import LookoutCore
import LookoutNotify
import LookoutRedis
import LookoutTestSupport
import Testing

/// Two presence workers may read an NVR's state in one order and publish it in the other; a
/// dashboard replaces what it holds with each state, so the older one would stay on screen
/// although PostgreSQL moved on (the fault matrix saw dashboards differ for good after a Redis
/// pause). The publisher drops a state ranked below the newest published for its NVR.
@Suite struct NotificationOrderTests {
    @Test func aStateReadBeforeANewerOneIsNeverPublishedAfterIt() async throws {
        let redis = RedisClient(configuration: try RedisConfiguration(url: try TestEnvironment.redisURL), logger: Logger(label: "test"))
        try await withTeardown({ await redis.close() }) {
            let keys = RedisKeys(prefix: TestEnvironment.uniqueName() + ":")
            let publisher = NotificationPublisher(redis: redis, keys: keys)
            func state(_ version: Int64, _ status: DeviceStatus, name: String = "NVR") -> LookoutCore.Notification {
                .nvr(
                    NVRState(
                        id: 7, hostname: "nvr-7", name: name, status: status, statusChangedAt: 0, lastSeenAt: nil, version: version, session: nil,
                        gateway: nil, cameras: []))
            }
            // Worker B's newer state (offline at version 3) goes out first…
            #expect(try await publisher.publish([state(3, .offline)]) == 1)
            // …then worker A's older one (online at version 3, read before B committed): dropped.
            #expect(try await publisher.publish([state(3, .online)]) == 0)
            #expect(try await publisher.publish([state(2, .offline), LookoutCore.Notification.alert(nvrID: 7, hostname: "nvr-7", message: "NVR offline", at: 1)]) == 2)
            // The next connection, and an API edit at the same rank, go out.
            #expect(try await publisher.publish([state(4, .online)]) == 3)
            #expect(try await publisher.publish([state(4, .online, name: "Renamed")]) == 4)
            let history = try await redis.xrange(keys.notifyHistory).compactMap { $0.fields["m"] }
            #expect(history.count == 4)
            #expect(history.filter { $0.contains(#""status":"online""#) }.count == 2)
            #expect(!history.contains { $0.contains(#""version":3"#) && $0.contains(#""status":"online""#) })
        }
    }
}
