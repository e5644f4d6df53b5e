public import LookoutCore
public import LookoutRedis

/// Publishes numbered notifications: one Lua call takes the next sequence numbers, appends
/// each notification to the capped history (entry id `seq-0`) and publishes it, atomically,
/// so the sequence, the history and the pub/sub order always agree.
public struct NotificationPublisher: Sendable {
    let redis: RedisClient
    let keys: RedisKeys
    let historyLength: Int

    public init(redis: RedisClient, keys: RedisKeys, historyLength: Int = 10_000) {
        self.redis = redis
        self.keys = keys
        self.historyLength = historyLength
    }

    static let script = RedisScript(
        """
        local last = 0
        for i = 2, #ARGV do
            local seq = redis.call('INCR', KEYS[1])
            local message = '{"seq":' .. seq .. ',' .. string.sub(ARGV[i], 2)
            redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], seq .. '-0', 'm', message)
            redis.call('PUBLISH', KEYS[3], message)
            last = seq
        end
        return last
        """)

    /// Returns the sequence of the last one published (0 when there was nothing to publish).
    @discardableResult
    public func publish(_ notifications: [Notification]) async throws(RedisError) -> Int64 {
        try await publish(bodies: notifications.map(\.body))
    }

    /// Publishes JSON objects (each starting with `{`, without `seq`) as numbered notifications.
    @discardableResult
    public func publish(bodies: [String]) async throws(RedisError) -> Int64 {
        guard !bodies.isEmpty else { return 0 }
        let reply = try await redis.eval(
            Self.script, keys: [keys.notifySequence, keys.notifyHistory, keys.notifyChannel], arguments: [String(historyLength)] + bodies)
        return Int64(reply.int ?? 0)
    }
}
