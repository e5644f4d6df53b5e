import Logging
import LookoutCore
import LookoutRedis
import LookoutTestSupport
import Synchronization
import Testing

@testable import LookoutGateway

/// Shutdown's drain against the test Redis: every session still open is handed over (its
/// `handover` event published, then its socket told 1012) exactly once; one that ended on its
/// own keeps its `disconnected`.
struct ShutdownDrainTests {
    @Test func everyOpenSessionIsHandedOverOnceWith1012() async throws {
        let keys = RedisKeys(prefix: TestEnvironment.uniqueName() + ":")
        let logger = Logger(label: "lookout.test")
        let redis = RedisClient(configuration: try RedisConfiguration(url: TestEnvironment.redisURL), logger: logger)
        let lifecycle = NVRSessionLifecycle(
            registry: NVRSessionRegistry(), publisher: PresencePublisher(redis: redis, keys: keys, gatewayID: "gw-test", streamMaxLength: 1_000))
        let closed = Mutex<[String: CloseCode]>([:])
        let sessions = (1...5).map { index in
            NVRSession(hostname: "nvr-\(index)", sessionID: "s\(index)", version: 7, now: unixMillis()) { code in
                closed.withLock { $0["nvr-\(index)"] = code }
            }
        }
        for session in sessions { _ = lifecycle.registry.register(session) }
        // nvr-5's socket ended on its own just before: its end is published already.
        await lifecycle.end(sessions[4], logger: logger)

        #expect(await lifecycle.handOver(Array(sessions[0..<2]), logger: logger) == 2)
        #expect(await lifecycle.handOver(sessions, batch: 1, logger: logger) == 2)

        let events = try await redis.xrange(keys.presenceStream).map { try PresenceEvent(streamFields: $0.fields) }
        await redis.close()
        #expect(events.count == 5)
        let ends = Dictionary(uniqueKeysWithValues: events.map { ($0.hostname, "\($0.kind.rawValue):\($0.reason ?? "")") })
        #expect(
            ends == [
                "nvr-1": "handover:drained", "nvr-2": "handover:drained", "nvr-3": "handover:drained", "nvr-4": "handover:drained",
                "nvr-5": "disconnected:closed",
            ])
        #expect(events.allSatisfy { $0.version == 7 })
        #expect(closed.withLock { $0 } == Dictionary(uniqueKeysWithValues: (1...4).map { ("nvr-\($0)", CloseCode.serviceRestart) }))
        #expect(lifecycle.registry.count == 0)
    }

    @Test func theScheduleSpreadsClosesEvenlyOverTheWindow() {
        let schedule = DrainSchedule(count: 4, window: .seconds(2))
        #expect([0, 0.49, 0.5, 0.99, 1.0, 1.5, 1.99, 2.0, 5.0].map { schedule.due(after: .seconds($0)) } == [0, 0, 1, 1, 2, 3, 3, 4, 4])
        #expect(DrainSchedule(count: 1000, window: .zero).due(after: .zero) == 1000)
        #expect(DrainSchedule(count: 0, window: .seconds(10)).due(after: .seconds(1)) == 0)
    }
}
