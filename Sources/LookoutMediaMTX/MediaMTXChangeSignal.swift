public import LookoutCore
public import LookoutRedis

/// How other roles tell the MediaMTX sync to reconcile now, e.g. a renewal job right after it
/// stored a pending URL, or the API after a camera was added, disabled or deleted:
///
/// ```swift
/// try await MediaMTXChangeSignal(redis: redis, keys: settings.keys).publish(path: camera.mediamtxPath)
/// ```
///
/// Losing a signal (Redis restart, no sync subscribed) only delays the change until the next
/// periodic reconcile; it never loses it.
public struct MediaMTXChangeSignal: Sendable {
    let redis: RedisClient
    let keys: RedisKeys

    public init(redis: RedisClient, keys: RedisKeys) {
        self.redis = redis
        self.keys = keys
    }

    /// Publishes a change of `path` (nil: any path).
    public func publish(path: String? = nil) async throws(RedisError) {
        try await redis.publish(keys.mediamtxChanged, path ?? "")
    }
}
