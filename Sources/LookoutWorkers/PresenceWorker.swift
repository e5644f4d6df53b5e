import Foundation
public import Logging
public import LookoutCore
public import LookoutNotify
public import LookoutRedis
public import LookoutStore
import Metrics
public import ServiceLifecycle

/// Applies presence events from the stream to PostgreSQL, at least once and idempotently:
/// read a batch in the consumer group, apply it in one transaction (fenced by connection
/// version, so a repeat changes nothing), publish what changed, and only then XACK.
///
/// Outages wait, they do not destroy: a batch that fails because PostgreSQL or Redis cannot be
/// reached stays in this consumer's hands, in order, and is tried again (backoff up to 2 s, or
/// a quarter of `claimIdle`) until it goes through; meanwhile its entries are kept fresh in the
/// group (`XCLAIM … JUSTID`, which counts no delivery), so no other consumer takes them. Only
/// entries whose consumer stopped are claimed by another after `claimIdle`; how often an entry
/// was delivered decides nothing.
///
/// Dead letters: malformed entries at once; an entry the database itself refuses (SQLSTATE 22
/// or 23, or any refusal while the other entries of its batch go through) after
/// `maxDeliveries` refusals. A refused batch is applied entry by entry, so the others (and
/// newer events read alongside) are not held up behind it.
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
    /// Called when PostgreSQL could not be reached (e.g. ``PostgresClientSupervisor/reportFailure()``).
    let postgresUnreachable: @Sendable () -> Void
    let deadLettered = Counter(label: "lookout_presence_dead_letters_total")
    let failedBatches = Counter(label: "lookout_presence_failed_batches_total")
    /// Events applied to PostgreSQL (changed or not), and how long each batch's transaction took.
    let appliedEvents = Counter(label: "lookout_presence_events_applied_total")
    let batchDuration = Timer(label: "lookout_presence_batch_duration_seconds", preferredDisplayUnit: .seconds)

    public init(
        options: PresenceWorkerOptions, keys: RedisKeys, redis: RedisClient, store: PostgresPresenceStore, nvrs: PostgresNVRRepository,
        notifier: NotificationPublisher, consumer: String, logger: Logger, postgresUnreachable: @escaping @Sendable () -> Void = {}
    ) {
        self.options = options
        self.keys = keys
        self.redis = redis
        self.store = store
        self.nvrs = nvrs
        self.notifier = notifier
        self.consumer = consumer
        self.postgresUnreachable = postgresUnreachable
        var logger = logger
        logger[metadataKey: "lookout.worker.consumer"] = "\(consumer)"
        self.logger = logger
    }

    var stream: String { keys.stream(options.stream) }
    var deadLetters: String { keys.deadLetters(ofStream: stream) }

    /// Delay between tries of a failed batch: short enough that work resumes within a couple
    /// of seconds of a dependency's return, and that the held entries are refreshed well
    /// within `claimIdle`.
    var retryBackoff: RedisReconnectBackoff {
        RedisReconnectBackoff(initial: .milliseconds(200), maximum: max(.milliseconds(200), min(.seconds(2), options.claimIdle / 4)))
    }

    /// What a consumer holds: entries read or claimed and not yet acknowledged, oldest first.
    struct Held {
        var entries: [RedisStreamEntry] = []
        /// They may have been applied already (a retry, or claimed from another consumer): the
        /// notifications cover every NVR they name, not only the ones that changed now.
        var redelivered = false
        /// The last try applied them one by one (the database refused something): newer
        /// entries are read and applied alongside them instead of waiting behind them.
        var isolated = false
        /// Refusals of each entry for a reason of its own, by entry id.
        var refusals: [String: Int] = [:]
    }

    public func run() async throws {
        logger.info("Presence worker started")
        var lastMaintenance = ContinuousClock.now - options.claimIdle
        var held = Held()
        var failures = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                if failures > 0 || ContinuousClock.now - lastMaintenance > options.claimIdle / 2 {
                    try await redis.xgroupCreate(stream, group: options.group, startID: "0")
                    if held.entries.isEmpty {
                        held = Held(entries: try await reclaim(), redelivered: true)
                    } else {
                        try await refresh(&held)
                    }
                    try await trim()
                    lastMaintenance = .now
                }
                if held.entries.isEmpty {
                    held = Held(
                        entries: try await redis.xreadgroup(
                            group: options.group, consumer: consumer, key: stream, count: options.batchSize, block: options.block))
                } else if held.isolated && held.entries.count < options.batchSize {
                    held.entries += try await redis.xreadgroup(
                        group: options.group, consumer: consumer, key: stream, count: options.batchSize - held.entries.count)
                }
                if !held.entries.isEmpty { try await process(&held) }
                failures = 0
            } catch {
                failures += 1
                held.redelivered = true
                failedBatches.increment()
                report(error, held: held.entries.count, failures: failures)
                try? await Task.sleep(for: retryBackoff.delay(attempt: failures - 1))
            }
        }
        logger.info("Presence worker stopped", metadata: ["lookout.batch.held": "\(held.entries.count)"])
    }

    private func report(_ error: any Error, held: Int, failures: Int) {
        let metadata: Logger.Metadata = [
            "lookout.error": "\(error)", "lookout.batch.held": "\(held)", "lookout.batch.failures": "\(failures)",
        ]
        if error is PresenceRefusal {
            logger.error("PostgreSQL refuses presence entries; retrying", metadata: metadata)
            return
        }
        if let error = error as? StoreError, error.sqlState == nil, error.code != .cancelled { postgresUnreachable() }
        // Every try of a long outage would log: once at the start, then every 10th.
        if failures == 1 || failures % 10 == 0 {
            logger.warning("Presence batch failed; kept and retried", metadata: metadata)
        }
    }
}

/// Some entries were refused by the database and are kept for another try (or dead letters).
struct PresenceRefusal: Error, CustomStringConvertible {
    let kept: Int
    let error: StoreError
    var description: String { "\(kept) presence entries refused: \(error.message)" }
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
