import LookoutCore
import LookoutRedis

/// Reads the numbered notifications workers publish: the sequence counter and the capped
/// history stream (entry id `seq-0`, field `m` = the notification JSON).
struct NotificationHistory: Sendable {
    let redis: RedisClient
    let keys: RedisKeys

    /// The sequence of the newest notification (0 when none was published yet).
    func currentSequence() async throws(RedisError) -> Int64 {
        Int64(try await redis.get(keys.notifySequence).flatMap { Int($0) } ?? 0)
    }

    /// The notifications after `seq` up to `through` (inclusive), in order; nil when the
    /// history no longer holds all of them (the caller then sends a snapshot).
    func after(_ seq: Int64, through last: Int64? = nil, limit: Int = 5000) async throws(RedisError) -> [String]? {
        let newest = try await currentSequence()
        let end = min(last ?? newest, newest)
        guard seq <= newest else { return nil }  // Redis lost its data: the client's seq is from before.
        guard seq < end else { return [] }
        guard end - seq <= Int64(limit) else { return nil }
        let entries = try await redis.xrange(keys.notifyHistory, start: "\(seq + 1)-0", end: "\(end)-0", count: limit)
        guard entries.first?.id == "\(seq + 1)-0", entries.count == Int(end - seq) else { return nil }
        return entries.compactMap { $0.fields["m"] }
    }
}
