import Foundation
public import LookoutCore
public import LookoutRedis
public import LookoutStore
import Metrics

/// Gauges a worker process reads at each scrape of `/metrics` (``WorkerStatusServer``'s
/// samplers): what only Redis or PostgreSQL knows, read when asked instead of on a timer of
/// their own, so a process nobody scrapes does no work for them.
public enum WorkerGauges {
    /// The presence stream: its length, each group's lag (entries not delivered yet) and
    /// pending entries (delivered, not acknowledged), and the dead letters waiting for an operator.
    public static func presence(redis: RedisClient, keys: RedisKeys, options: PresenceWorkerOptions) -> WorkerStatusServer.Check {
        let stream = keys.stream(options.stream)
        return .init("presence") {
            let replies = try await redis.pipeline([.xlen(stream), .xlen(keys.deadLetters(ofStream: stream))])
            Gauge(label: "lookout_presence_stream_length").record(replies[0].int ?? 0)
            Gauge(label: "lookout_presence_dead_letter_depth").record(replies[1].int ?? 0)
            for group in try await redis.streamGroups(stream) {
                Gauge(label: "lookout_presence_stream_pending", dimensions: [("group", group.name)]).record(group.pending)
                if let lag = group.lag { Gauge(label: "lookout_presence_stream_lag", dimensions: [("group", group.name)]).record(lag) }
            }
        }
    }

    /// The renewal queue (jobs, jobs due now, dead set) and, from PostgreSQL, the seconds left
    /// until the earliest stream URL expires (negative: one has expired) and the cameras whose
    /// renewal is failing.
    public static func renewals(redis: RedisClient, keys: RedisKeys, store: PostgresRenewalStore) -> WorkerStatusServer.Check {
        .init("renewals") {
            let now = Date().timeIntervalSince1970
            let replies = try await redis.pipeline([
                .zcard(keys.renewals), RedisCommand("ZCOUNT", [keys.renewals, "-inf", String(Int64(now * 1000))]), .zcard(keys.renewalsDead),
            ])
            Gauge(label: "lookout_renewal_queue_depth").record(replies[0].int ?? 0)
            Gauge(label: "lookout_renewal_queue_due").record(replies[1].int ?? 0)
            Gauge(label: "lookout_renewal_dead_depth").record(replies[2].int ?? 0)
            let health = try await store.expiryHealth()
            Gauge(label: "lookout_renewal_failing_cameras").record(health.failing)
            if let earliest = health.earliestExpiry {
                Gauge(label: "lookout_stream_earliest_expiry_seconds").record(earliest - now)
            }
        }
    }
}
