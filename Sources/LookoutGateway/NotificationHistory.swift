import LookoutCore
import LookoutNotify
import LookoutRedis

/// Reads the numbered notifications workers publish: the feed's position (epoch and sequence)
/// and the capped history stream (entry id `seq-0`, field `m` = the notification JSON).
struct NotificationHistory: Sendable {
    let redis: RedisClient
    let keys: RedisKeys
    /// Entries read per XRANGE while replaying.
    var pageSize = 1000

    /// The newest notification's position; starts a new epoch when Redis has none (see
    /// ``NotificationPublisher``), so it always names the epoch the next notification carries.
    func position() async throws(RedisError) -> NotificationPosition {
        try await NotificationPublisher(redis: redis, keys: keys).position()
    }

    /// Hands `each` the notifications after `seq` of `epoch` up to `through` (inclusive; the
    /// newest when nil), in order, reading the history a page at a time, whatever the gap's size.
    /// Returns the position reached, or nil when the history does not hold every one of them:
    /// another epoch (Redis lost its data), a `seq` ahead of the newest, or entries trimmed
    /// away. The caller then sends a snapshot; on nil `each` may have seen a prefix.
    /// `epoch` nil (a client from before epochs) means the current one.
    func replay(
        after seq: Int64, epoch: String?, through last: Int64? = nil, _ each: (String, NotificationPosition) async throws -> Void
    ) async throws -> NotificationPosition? {
        let newest = try await position()
        let epoch = epoch ?? newest.epoch
        guard epoch == newest.epoch, seq <= newest.seq else { return nil }
        let end = min(last ?? newest.seq, newest.seq)
        var next = seq + 1
        while next <= end {
            let count = Int(min(Int64(pageSize), end - next + 1))
            let entries = try await redis.xrange(keys.notifyHistory, start: "\(next)-0", end: "\(end)-0", count: count)
            guard entries.count == count else { return nil }
            for entry in entries {
                let expected = NotificationPosition(epoch: epoch, seq: next)
                guard entry.id == "\(next)-0", let payload = entry.fields["m"], NotificationPosition(json: payload) == expected else { return nil }
                try await each(payload, expected)
                next += 1
            }
        }
        return NotificationPosition(epoch: epoch, seq: max(seq, end))
    }
}
