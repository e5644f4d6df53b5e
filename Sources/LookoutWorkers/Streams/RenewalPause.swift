import LookoutCore
import LookoutRedis

/// Renewals paused for the whole account, shared in Redis (`renewals:paused`): set when
/// Hik-Connect refuses the credentials, so every worker stops claiming instead of failing each
/// camera one by one; lifted by the first probe that succeeds. No TTL: a pause outlives every
/// worker, and a worker that starts (maybe with new credentials) probes at once.
struct RenewalPause: Sendable {
    let redis: RedisClient
    let keys: RedisKeys

    /// Pauses renewals; true when this call paused them (the one that alerts).
    func engage(reason: String) async throws(RedisError) -> Bool {
        try await redis.set(keys.renewalsPaused, reason, ttl: nil, condition: .ifNotExists)
    }

    /// Why renewals are paused; nil when they are not.
    func reason() async throws(RedisError) -> String? {
        try await redis.get(keys.renewalsPaused)
    }

    func lift() async throws(RedisError) {
        _ = try await redis.del(keys.renewalsPaused)
    }

    /// True for the one worker that may probe now (a lock for `interval`).
    func takeProbeTurn(interval: Duration) async throws(RedisError) -> Bool {
        try await redis.set(keys.renewalsProbe, "1", ttl: interval, condition: .ifNotExists)
    }
}
