import Logging
import LookoutCore
import LookoutRedis
import LookoutTestSupport
import Synchronization
import Testing

@testable import LookoutGateway

/// Shutdown's drain against the test Redis: every session's socket is told 1001 and every
/// session ends exactly once, its `disconnected` event published in pipelined batches.
struct ShutdownDrainTests {
    @Test func everySessionEndsOnceWithItsEventInBatches() async throws {
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

        await lifecycle.endAll(sessions, closing: .goingAway, batch: 2, logger: logger)

        let events = try await redis.xrange(keys.presenceStream).map { try PresenceEvent(streamFields: $0.fields) }
        await redis.close()
        #expect(events.count == 5)
        let reasons = Dictionary(uniqueKeysWithValues: events.map { ($0.hostname, $0.reason ?? "") })
        #expect(reasons == ["nvr-1": "shutdown", "nvr-2": "shutdown", "nvr-3": "shutdown", "nvr-4": "shutdown", "nvr-5": "closed"])
        #expect(events.allSatisfy { $0.kind == .disconnected && $0.version == 7 })
        #expect(closed.withLock { $0 } == Dictionary(uniqueKeysWithValues: (1...5).map { ("nvr-\($0)", CloseCode.goingAway) }))
        #expect(lifecycle.registry.count == 0)
    }
}
