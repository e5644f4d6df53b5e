import Foundation
import Logging
import LookoutCore
import LookoutRedis
import Prometheus
import Synchronization

/// Every presence event this gateway publishes goes through here, in order. An event that Redis
/// does not take now (unreachable, frozen, restarting) waits, and goes out before any newer one
/// once Redis answers again: the housekeeping tick retries every second. Bounded: past `limit`
/// the oldest are dropped, counted (`lookout_presence_backlog_dropped_total`) and logged; the
/// sweeper then settles those NVRs from liveness.
///
/// One flush at a time, in pipelines of `batch`. A caller learns whether its events went out
/// in the flush it joined: a `disconnected` that did not stays for later (`keep`); a new
/// connection's `connected` that did not is forgotten, and the connection refused. Once a flush
/// failed, callers do not try again themselves (each try may wait out a command timeout, and
/// sessions end one after another): their events join the backlog and only the housekeeping
/// tick's ``flush()`` tries, once a second, until Redis takes everything.
actor PresenceOutbox {
    private struct Entry {
        let id: UInt64
        let event: PresenceEvent
        let keep: Bool
    }

    /// How many events may wait, at most (about 250 bytes each).
    static let defaultLimit = 100_000

    private let send: @Sendable ([PresenceEvent]) async throws(RedisError) -> Void
    private let limit: Int
    private let batch: Int
    private let logger: Logger
    private let backlogGauge: Gauge
    private let droppedCounter: Counter
    private let refusedCounter: Counter
    private var entries: [Entry] = []
    private var nextID: UInt64 = 1
    private var sentThrough: UInt64 = 0
    private var isFlushing = false
    private var waiters: [UInt64: CheckedContinuation<Bool, Never>] = [:]
    /// A flush failed since the last one that emptied the outbox.
    private var hasFailed = false
    private var droppedSinceLog = 0
    private var lastDropLog = ContinuousClock.now - .seconds(60)
    /// Set when a write to Redis failed, cleared when one succeeded (here or in housekeeping).
    private nonisolated let unreachable = Atomic(false)

    init(
        limit: Int = PresenceOutbox.defaultLimit, batch: Int = 1_000, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        logger: Logger, send: @escaping @Sendable ([PresenceEvent]) async throws(RedisError) -> Void
    ) {
        self.limit = max(1, limit)
        self.batch = max(1, batch)
        self.logger = logger
        self.send = send
        backlogGauge = registry.makeGauge(descriptor: HTTPMetrics.name("presence_backlog", "", "Presence events waiting for Redis on this gateway"))
        droppedCounter = registry.makeCounter(
            descriptor: HTTPMetrics.name("presence_backlog_dropped", "total", "Presence events dropped, oldest first, from a full backlog"))
        refusedCounter = registry.makeCounter(
            descriptor: HTTPMetrics.name("nvr_refused_unavailable", "total", "NVR connections refused (1013) while Redis was unreachable"))
    }

    /// Whether the last write to Redis failed: a new NVR connection is refused at once (1013)
    /// instead of waiting out a command timeout for a version it cannot take.
    nonisolated var isRedisUnreachable: Bool { unreachable.load(ordering: .relaxed) }

    /// Housekeeping's own writes tell whether Redis answers.
    nonisolated func noteRedis(reachable: Bool) { unreachable.store(!reachable, ordering: .relaxed) }

    /// Counts a new NVR connection refused because Redis could not be reached.
    nonisolated func noteRefused() { refusedCounter.increment() }

    var count: Int { entries.count }

    /// Adds `events` after every waiting one and flushes; returns whether they were published
    /// (or dropped from a full backlog) by the time it returns. When not, `keep` events wait
    /// for a later flush and the others are forgotten.
    func publish(_ events: [PresenceEvent], keep: Bool) async -> Bool {
        guard !events.isEmpty else { return true }
        // Redis failed and the backlog waits for the tick's flush.
        if hasFailed && !keep { return false }
        for event in events {
            entries.append(Entry(id: nextID, event: event, keep: keep))
            nextID += 1
        }
        let last = nextID - 1
        dropOldest()
        backlogGauge.set(Double(entries.count))
        if isFlushing {
            // The running flush sends these too, or fails and says so.
            return await withCheckedContinuation { waiters[last] = $0 }
        }
        if hasFailed { return false }
        await flush()
        return sentThrough >= last
    }

    /// Sends what waits, oldest first, until nothing is left or Redis fails; returns whether
    /// nothing is left. Does nothing while another flush runs.
    @discardableResult
    func flush() async -> Bool {
        guard !isFlushing else { return false }
        guard !entries.isEmpty else { return true }
        isFlushing = true
        defer { isFlushing = false }
        let waited = entries.count
        while !entries.isEmpty {
            let chunk = entries.prefix(batch)
            let lastID = chunk[chunk.endIndex - 1].id
            do {
                try await send(chunk.map(\.event))
            } catch {
                failed(error)
                return false
            }
            // Entries before `lastID` may have been dropped meanwhile; later ones were added behind.
            entries.removeFirst(entries.prefix { $0.id <= lastID }.count)
            sentThrough = lastID
            noteRedis(reachable: true)
            for id in waiters.keys where id <= lastID { waiters.removeValue(forKey: id)?.resume(returning: true) }
            backlogGauge.set(Double(entries.count))
        }
        if hasFailed {
            hasFailed = false
            logger.notice("Presence events published after Redis answered again", metadata: ["lookout.presence.events": "\(waited)"])
        }
        return true
    }

    private func failed(_ error: RedisError) {
        let firstFailure = !hasFailed
        noteRedis(reachable: false)
        entries.removeAll { !$0.keep }
        hasFailed = !entries.isEmpty
        for waiter in waiters.values { waiter.resume(returning: false) }
        waiters.removeAll()
        backlogGauge.set(Double(entries.count))
        if firstFailure && hasFailed {
            logger.warning(
                "Redis unreachable; presence events wait for it",
                metadata: ["lookout.redis.error": "\(error)", "lookout.presence.backlog": "\(entries.count)"])
        }
    }

    /// Past the limit the oldest go: the backlog must not take the gateway's memory in a long
    /// outage. Logged at most every 10 s.
    private func dropOldest() {
        let excess = entries.count - limit
        guard excess > 0 else { return }
        for entry in entries.prefix(excess) { waiters.removeValue(forKey: entry.id)?.resume(returning: false) }
        entries.removeFirst(excess)
        droppedCounter.increment(by: Int64(excess))
        droppedSinceLog += excess
        guard ContinuousClock.now - lastDropLog >= .seconds(10) else { return }
        logger.warning(
            "Presence backlog full; dropped the oldest events (the sweeper settles their NVRs)",
            metadata: ["lookout.presence.dropped": "\(droppedSinceLog)", "lookout.presence.backlog_limit": "\(limit)"])
        droppedSinceLog = 0
        lastDropLog = .now
    }
}
