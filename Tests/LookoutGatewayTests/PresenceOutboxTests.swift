import Logging
import LookoutCore
import LookoutRedis
import Synchronization
import Testing

@testable import LookoutGateway

/// The gateway's outbox of presence events against a fake Redis that can fail: what Redis does
/// not take waits, bounded, and goes out in order before anything newer.
struct PresenceOutboxTests {
    /// Records what was sent; fails while `failing`.
    final class FakeRedis: Sendable {
        let failing = Atomic(false)
        let attempts = Atomic(0)
        let sent = Mutex<[[String]]>([])

        func send(_ events: [PresenceEvent]) throws(RedisError) {
            attempts.add(1, ordering: .relaxed)
            if failing.load(ordering: .relaxed) { throw RedisError(.timeout, "frozen") }
            sent.withLock { $0.append(events.map(\.label)) }
        }

        var labels: [String] { sent.withLock { $0.flatMap { $0 } } }
    }

    /// `metrics` only lends its registry (its `render()` shows the outbox's metrics too).
    static func outbox(_ redis: FakeRedis, limit: Int = 100, batch: Int = 2, metrics: HTTPMetrics = HTTPMetrics()) -> PresenceOutbox {
        PresenceOutbox(limit: limit, batch: batch, registry: metrics.registry, logger: Logger(label: "lookout.test")) { events throws(RedisError) in
            // A real round trip suspends: callers arriving meanwhile join the running flush.
            await Task.yield()
            try redis.send(events)
        }
    }

    static func event(_ kind: PresenceEvent.Kind, _ hostname: String, v: Int64) -> PresenceEvent {
        PresenceEvent(kind: kind, hostname: hostname, version: v, sessionID: "\(hostname)-s\(v)", gatewayID: "gw", at: 1)
    }

    @Test func keptEventsGoOutInOrderBeforeNewerOnesOnceRedisAnswers() async {
        let redis = FakeRedis()
        let outbox = Self.outbox(redis)
        #expect(await outbox.publish([Self.event(.connected, "a", v: 1)], keep: false))
        redis.failing.store(true, ordering: .relaxed)
        #expect(!(await outbox.publish([Self.event(.disconnected, "a", v: 1)], keep: true)))
        #expect(outbox.isRedisUnreachable)
        // From now on only the tick's flush tries: no caller waits out another timeout.
        #expect(!(await outbox.publish([Self.event(.disconnected, "b", v: 4), Self.event(.connected, "b", v: 5)], keep: true)))
        #expect(redis.attempts.load(ordering: .relaxed) == 2)
        #expect(!(await outbox.flush()))
        #expect(redis.attempts.load(ordering: .relaxed) == 3)
        #expect(await outbox.count == 3)

        redis.failing.store(false, ordering: .relaxed)
        #expect(await outbox.flush())
        #expect(await outbox.publish([Self.event(.connected, "c", v: 1)], keep: false))
        #expect(redis.labels == ["connected a 1", "disconnected a 1", "disconnected b 4", "connected b 5", "connected c 1"])
        #expect(redis.sent.withLock { $0.map(\.count) } == [1, 2, 1, 1])
        #expect(await outbox.count == 0)
        #expect(!outbox.isRedisUnreachable)
    }

    @Test func anEventThatMustGoNowIsForgottenWhenRedisFails() async {
        let redis = FakeRedis()
        let outbox = Self.outbox(redis)
        redis.failing.store(true, ordering: .relaxed)
        #expect(!(await outbox.publish([Self.event(.disconnected, "a", v: 1)], keep: true)))
        // A new connection's `connected`: refused, so nothing of it may be published later.
        #expect(!(await outbox.publish([Self.event(.connected, "b", v: 1)], keep: false)))
        redis.failing.store(false, ordering: .relaxed)
        #expect(await outbox.flush())
        #expect(redis.labels == ["disconnected a 1"])
    }

    @Test func aFullBacklogDropsTheOldestAndCountsThem() async {
        let redis = FakeRedis()
        let metrics = HTTPMetrics()
        let outbox = Self.outbox(redis, limit: 3, metrics: metrics)
        redis.failing.store(true, ordering: .relaxed)
        for version in 1...5 { _ = await outbox.publish([Self.event(.disconnected, "a", v: Int64(version))], keep: true) }
        #expect(await outbox.count == 3)
        var text = String(decoding: metrics.render(), as: UTF8.self)
        #expect(text.contains("lookout_presence_backlog_dropped_total 2"), "\(text)")
        #expect(text.contains("lookout_presence_backlog 3"), "\(text)")
        redis.failing.store(false, ordering: .relaxed)
        #expect(await outbox.flush())
        #expect(redis.labels == ["disconnected a 3", "disconnected a 4", "disconnected a 5"])
        text = String(decoding: metrics.render(), as: UTF8.self)
        #expect(text.contains("lookout_presence_backlog 0"), "\(text)")
    }

    @Test func callersJoiningARunningFlushLearnItsOutcome() async {
        let redis = FakeRedis()
        let outbox = Self.outbox(redis, batch: 1)
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<20 {
                group.addTask { await outbox.publish([Self.event(.disconnected, "nvr-\(index)", v: 1)], keep: true) }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: true, count: 20))
        #expect(redis.labels.count == 20)
        #expect(await outbox.count == 0)
    }
}

extension PresenceEvent {
    fileprivate var label: String { "\(kind.rawValue) \(hostname) \(version)" }
}
