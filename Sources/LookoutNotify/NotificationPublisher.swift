public import LookoutCore
public import LookoutRedis

/// Publishes numbered notifications: one Lua call takes the next sequence numbers, appends
/// each notification to the capped history (entry id `seq-0`) and publishes it, atomically,
/// so the sequence, the history and the pub/sub order always agree.
///
/// Every notification also carries the feed's epoch (``NotificationPosition``). The sequence,
/// the epoch and the history belong together: when the script finds the sequence missing
/// (Redis restarted empty, the key evicted or deleted), it starts a new epoch in the same atomic
/// call — epoch set, sequence at 0, history emptied — so a number is never reused within an
/// epoch and followers know the old numbers mean nothing any more. An epoch missing alone (the
/// first run after an upgrade, an evicted key) gets a new one too, keeping the sequence.
public struct NotificationPublisher: Sendable {
    let redis: RedisClient
    let keys: RedisKeys
    let historyLength: Int

    public init(redis: RedisClient, keys: RedisKeys, historyLength: Int = 10_000) {
        self.redis = redis
        self.keys = keys
        self.historyLength = historyLength
    }

    /// Lua shared by both scripts: the current epoch, starting a new one from `candidate` when
    /// the sequence or the epoch is missing (the sequence at 0 and the history emptied when it
    /// was the sequence).
    static let epochFunction = """
        local function feed_epoch(seq_key, epoch_key, history_key, candidate)
            local epoch = redis.call('GET', epoch_key)
            local has_seq = redis.call('EXISTS', seq_key) == 1
            if epoch and has_seq then return epoch end
            redis.call('SET', epoch_key, candidate)
            if not has_seq then
                redis.call('SET', seq_key, 0)
                redis.call('DEL', history_key)
            end
            return candidate
        end

        """

    /// KEYS: sequence, history, channel, epoch, ranks. ARGV: history length, candidate epoch,
    /// then per notification its body, its subject ('' for none) and its rank. A notification
    /// whose subject already has a higher rank published is dropped (``Notification/ordering``).
    static let script = RedisScript(
        epochFunction + """
            local epoch = feed_epoch(KEYS[1], KEYS[4], KEYS[2], ARGV[2])
            local last = 0
            for i = 3, #ARGV, 3 do
                local subject, rank = ARGV[i + 1], tonumber(ARGV[i + 2])
                local fresh = true
                if subject ~= '' then
                    local held = tonumber(redis.call('HGET', KEYS[5], subject))
                    if held and held > rank then
                        fresh = false
                    else
                        redis.call('HSET', KEYS[5], subject, rank)
                    end
                end
                if fresh then
                    local seq = redis.call('INCR', KEYS[1])
                    local message = '{"seq":' .. seq .. ',"epoch":"' .. epoch .. '",' .. string.sub(ARGV[i], 2)
                    redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], seq .. '-0', 'm', message)
                    redis.call('PUBLISH', KEYS[3], message)
                    last = seq
                end
            end
            return {epoch, last}
            """)

    /// KEYS: sequence, history, epoch. ARGV: candidate epoch. Returns `{epoch, seq}`.
    static let positionScript = RedisScript(
        epochFunction + """
            local epoch = feed_epoch(KEYS[1], KEYS[3], KEYS[2], ARGV[1])
            return {epoch, tonumber(redis.call('GET', KEYS[1]))}
            """)

    /// Returns the sequence of the last one published (0 when there was nothing to publish).
    @discardableResult
    public func publish(_ notifications: [Notification]) async throws(RedisError) -> Int64 {
        try await publish(ordered: notifications.map { ($0.body, $0.ordering) })
    }

    /// Publishes JSON objects (each starting with `{`, without `seq`) as numbered notifications.
    @discardableResult
    public func publish(bodies: [String]) async throws(RedisError) -> Int64 {
        try await publish(ordered: bodies.map { ($0, nil) })
    }

    /// Publishes bodies, each with its subject and rank when it has one; returns the sequence of
    /// the last one published (0 when none was: nothing to publish, or every one was stale).
    @discardableResult
    public func publish(ordered: [(body: String, ordering: (subject: String, rank: Int64)?)]) async throws(RedisError) -> Int64 {
        guard !ordered.isEmpty else { return 0 }
        let perNotification = ordered.flatMap { [$0.body, $0.ordering?.subject ?? "", String($0.ordering?.rank ?? 0)] }
        let reply = try await redis.eval(
            Self.script, keys: [keys.notifySequence, keys.notifyHistory, keys.notifyChannel, keys.notifyEpoch, keys.notifyRanks],
            arguments: [String(historyLength), NotificationEpoch.make()] + perNotification)
        return Int64(reply.array?.last?.int ?? 0)
    }

    /// The newest notification's position (sequence 0: none published yet in this epoch). Starts
    /// a new epoch when there is none, so a snapshot taken now names the epoch that the next
    /// notification will carry.
    public func position() async throws(RedisError) -> NotificationPosition {
        let reply = try await redis.eval(
            Self.positionScript, keys: [keys.notifySequence, keys.notifyHistory, keys.notifyEpoch], arguments: [NotificationEpoch.make()])
        guard let parts = reply.array, parts.count == 2, let epoch = parts[0].string, let seq = parts[1].int else {
            throw RedisError(.unexpectedReply, "notification position: \(reply)")
        }
        return NotificationPosition(epoch: epoch, seq: Int64(seq))
    }
}
