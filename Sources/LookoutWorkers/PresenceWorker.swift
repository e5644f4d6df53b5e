import Foundation
public import Logging
public import LookoutCore
public import LookoutNotify
public import LookoutRedis
public import LookoutStore
public import ServiceLifecycle

/// Applies presence events from the stream to PostgreSQL, at least once and idempotently:
/// read a batch in the consumer group, apply it in one transaction (fenced by connection
/// version, so a repeat changes nothing), publish what changed, and only then XACK.
/// Entries whose consumer died are claimed after `claimIdle`; after `maxDeliveries` they go to
/// the dead-letter stream. Malformed entries go there at once.
public struct PresenceWorker: Service {
    let options: PresenceWorkerOptions
    let keys: RedisKeys
    /// Its own client: XREADGROUP BLOCK holds the connection.
    let redis: RedisClient
    let store: PostgresPresenceStore
    let nvrs: PostgresNVRRepository
    let notifier: NotificationPublisher
    let consumer: String
    let logger: Logger

    public init(
        options: PresenceWorkerOptions, keys: RedisKeys, redis: RedisClient, store: PostgresPresenceStore, nvrs: PostgresNVRRepository,
        notifier: NotificationPublisher, consumer: String, logger: Logger
    ) {
        self.options = options
        self.keys = keys
        self.redis = redis
        self.store = store
        self.nvrs = nvrs
        self.notifier = notifier
        self.consumer = consumer
        var logger = logger
        logger[metadataKey: "lookout.worker.consumer"] = "\(consumer)"
        self.logger = logger
    }

    var stream: String { keys.stream(options.stream) }
    var deadLetters: String { stream + ":dead" }

    public func run() async throws {
        logger.info("Presence worker started")
        var lastMaintenance = ContinuousClock.now - options.claimIdle
        var failures = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                if failures > 0 || ContinuousClock.now - lastMaintenance > options.claimIdle / 2 {
                    try await redis.xgroupCreate(stream, group: options.group, startID: "0")
                    try await reclaim()
                    try await trim()
                    lastMaintenance = .now
                }
                let entries = try await redis.xreadgroup(
                    group: options.group, consumer: consumer, key: stream, count: options.batchSize, block: options.block)
                if !entries.isEmpty { try await process(entries, redelivered: false) }
                failures = 0
            } catch {
                failures += 1
                logger.warning("Presence batch failed; will retry", metadata: ["lookout.error": "\(error)"])
                try? await Task.sleep(for: RedisReconnectBackoff(initial: .milliseconds(200), maximum: .seconds(5)).delay(attempt: failures - 1))
            }
        }
        logger.info("Presence worker stopped")
    }

    /// Applies one batch; XACKs only after the commit and the notifications.
    func process(_ entries: [RedisStreamEntry], redelivered: Bool) async throws {
        var events: [PresenceEvent] = []
        var malformed: [(RedisStreamEntry, String)] = []
        for entry in entries {
            do {
                events.append(try PresenceEvent(streamFields: entry.fields))
            } catch {
                malformed.append((entry, error.description))
            }
        }
        for (entry, reason) in malformed { try await deadLetter(entry, reason: reason, deliveries: 1) }
        let started = ContinuousClock.now
        let result = try await store.apply(events, logger: logger)
        var changed = Set(result.changedNVRIDs)
        if redelivered {
            // The first delivery may have committed and died before notifying: notify again.
            // Notifications carry full state, so a repeat is harmless.
            changed.formUnion(try await nvrs.ids(hostnames: Array(Set(events.map(\.hostname)))))
        }
        if !changed.isEmpty {
            try await notifier.publish(try await nvrs.states(ids: changed.sorted()).map { Notification.nvr($0) })
        }
        try await redis.xack(stream, group: options.group, ids: entries.map(\.id))
        logger.debug(
            "Applied presence batch",
            metadata: [
                "lookout.batch.size": "\(entries.count)", "lookout.batch.applied": "\(result.applied)",
                "lookout.batch.changed": "\(changed.count)", "lookout.batch.ms": "\((ContinuousClock.now - started).components.attoseconds / 1_000_000_000_000_000)",
            ])
        if !result.unknownHostnames.isEmpty {
            logger.warning("Presence events for unknown NVRs skipped", metadata: ["lookout.nvr.hostnames": "\(result.unknownHostnames.prefix(10))"])
        }
    }

    /// Takes over entries idle past `claimIdle`; those delivered too often go to dead letters.
    func reclaim() async throws {
        let pending = try await redis.xpendingEntries(stream, group: options.group, count: options.batchSize, minIdle: options.claimIdle)
        guard !pending.isEmpty else { return }
        let (dead, live) = (pending.filter { $0.deliveries >= options.maxDeliveries }, pending.filter { $0.deliveries < options.maxDeliveries })
        for entry in dead {
            let original = try await redis.xrange(stream, start: entry.id, end: entry.id).first ?? RedisStreamEntry(id: entry.id, fields: [:])
            try await deadLetter(original, reason: "delivered \(entry.deliveries) times without success", deliveries: entry.deliveries)
        }
        let claimed = try await redis.xclaim(stream, group: options.group, consumer: consumer, minIdle: options.claimIdle, ids: live.map(\.id))
        if !claimed.isEmpty {
            logger.info("Claimed presence entries of a stalled consumer", metadata: ["lookout.batch.size": "\(claimed.count)"])
            try await process(claimed, redelivered: true)
        }
    }

    private func deadLetter(_ entry: RedisStreamEntry, reason: String, deliveries: Int) async throws {
        let fields = entry.fields.sorted { $0.key < $1.key } + [("original_id", entry.id), ("error", reason), ("deliveries", String(deliveries))]
        _ = try await redis.pipelineChecked([
            .xadd(deadLetters, maxLength: 100_000, fields: fields), .xack(stream, group: options.group, ids: [entry.id]),
        ])
        logger.error("Presence entry moved to dead letters", metadata: ["lookout.stream.entry": "\(entry.id)", "lookout.error": "\(reason)"])
    }

    /// Trims the stream up to what the group has read and acknowledged, never further.
    private func trim() async throws {
        let summary = try await redis.xpending(stream, group: options.group)
        guard let delivered = try await redis.lastDeliveredID(stream, group: options.group) else { return }
        let safe = summary.smallestID.map { min(StreamID($0), StreamID(delivered)) } ?? StreamID(delivered)
        try await redis.send(.xtrimMinID(stream, safe.text))
    }
}

/// A stream id `ms-seq`, ordered numerically.
struct StreamID: Comparable {
    let milliseconds: UInt64
    let sequence: UInt64
    init(_ text: String) {
        let parts = text.split(separator: "-")
        milliseconds = parts.first.flatMap { UInt64($0) } ?? 0
        sequence = parts.count > 1 ? UInt64(parts[1]) ?? 0 : 0
    }
    var text: String { "\(milliseconds)-\(sequence)" }
    static func < (a: StreamID, b: StreamID) -> Bool { (a.milliseconds, a.sequence) < (b.milliseconds, b.sequence) }
}
