import Foundation
public import LookoutCore
public import LookoutRedis

/// Delayed renewal jobs in Redis: at most one per camera, due at a time, leased while it runs.
///
/// - `renewals` (sorted set): camera id → due time (Unix ms). One member per camera, so a camera
///   can never have two pending jobs; `schedule(… pullEarlierOnly:)` uses `ZADD LT`, so a manual
///   enqueue pulls a job earlier and never duplicates or postpones it.
/// - `renewals:running` (sorted set): camera id → lease expiry. `claim` moves due jobs there
///   atomically (one Lua call), so two workers never get the same job; a worker renews its lease
///   while it works; `reapExpiredLeases` puts jobs whose worker died back as due now.
/// - `renewals:lease:{id}` holds the claim's token. Reaping deletes it, and `renewLease`,
///   `finish` and `release` act only while the job is in `running` with that token: a worker
///   whose lease was lost (stalled, paused past it) can neither extend, finish nor reschedule
///   a job, whether or not another worker has taken it since (fencing).
/// - `renewals:seeded` marks a queue seeded from PostgreSQL; its absence means Redis lost its
///   data, and the worker re-seeds at once.
/// - `renewals:dead` (sorted set): camera id → when it gave up; the error is in PostgreSQL.
public struct RenewalQueue: Sendable {
    let redis: RedisClient
    let keys: RedisKeys

    public init(redis: RedisClient, keys: RedisKeys) {
        self.redis = redis
        self.keys = keys
    }

    var running: String { keys.renewalsRunning }
    func leaseKey(_ cameraID: Int64) -> String { keys.renewalLease(cameraID: cameraID) }

    /// A job a worker holds: which camera, when it was due, and the claim's token.
    public struct Claim: Sendable, Hashable {
        public let cameraID: Int64
        public let dueAt: Int64
        public let token: String
    }

    /// What `schedule` did.
    public enum ScheduleOutcome: Int, Sendable {
        /// The job is running; its worker schedules the next one.
        case running = 0
        case added = 1
        case movedEarlier = 2
        /// A job was already due at that time or earlier (with `pullEarlierOnly`).
        case unchanged = 3
    }

    /// Schedules the camera's job at `dueAt` (Unix ms). With `pullEarlierOnly`, an existing job
    /// only moves earlier (manual enqueue); otherwise it is set (after a renewal). A camera
    /// whose job is running is left alone. Scheduling takes a camera out of the dead set.
    @discardableResult
    public func schedule(cameraID: Int64, dueAt: Int64, pullEarlierOnly: Bool = false) async throws(RedisError) -> ScheduleOutcome {
        let reply = try await redis.eval(
            Self.scheduleScript, keys: [keys.renewals, running, keys.renewalsDead],
            arguments: [String(cameraID), String(dueAt), pullEarlierOnly ? "LT" : "SET"])
        return ScheduleOutcome(rawValue: reply.int ?? 0) ?? .running
    }

    static let scheduleScript = RedisScript(
        """
        if redis.call('ZSCORE', KEYS[2], ARGV[1]) then return 0 end
        redis.call('ZREM', KEYS[3], ARGV[1])
        local current = redis.call('ZSCORE', KEYS[1], ARGV[1])
        redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
        if not current then return 1 end
        if ARGV[3] == 'LT' and tonumber(current) <= tonumber(ARGV[2]) then
            redis.call('ZADD', KEYS[1], current, ARGV[1])
            return 3
        end
        return 2
        """)

    /// Moves up to `limit` due jobs into `running` with a lease, atomically.
    public func claim(now: Int64, lease: Duration, limit: Int) async throws(RedisError) -> [Claim] {
        let token = UUID().uuidString.lowercased()
        let leaseMillis: Int64 = lease.inMilliseconds
        let leaseEnd: Int64 = now + leaseMillis
        let arguments: [String] = [String(now), String(leaseEnd), String(limit), token, keys.renewalLeasePrefix, String(leaseMillis)]
        let reply = try await redis.eval(Self.claimScript, keys: [keys.renewals, running], arguments: arguments)
        let flat = reply.array ?? []
        return stride(from: 0, to: flat.count - 1, by: 2).compactMap { index in
            guard let id = flat[index].string.flatMap({ Int64($0) }), let due = flat[index + 1].string.flatMap({ Double($0) }) else { return nil }
            return Claim(cameraID: id, dueAt: Int64(due), token: token)
        }
    }

    static let claimScript = RedisScript(
        """
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
        for i = 1, #due, 2 do
            redis.call('ZREM', KEYS[1], due[i])
            redis.call('ZADD', KEYS[2], ARGV[2], due[i])
            redis.call('SET', ARGV[5] .. due[i], ARGV[4], 'PX', tonumber(ARGV[6]) * 4)
        end
        return due
        """)

    /// Extends the lease; false when it was lost (reaped, and maybe taken by another worker).
    /// Also the fence a worker checks right before a cloud call.
    public func renewLease(_ claim: Claim, now: Int64, lease: Duration) async throws(RedisError) -> Bool {
        let leaseMillis: Int64 = lease.inMilliseconds
        let leaseEnd: Int64 = now + leaseMillis
        let arguments: [String] = [String(claim.cameraID), String(leaseEnd), claim.token, String(leaseMillis * 4)]
        let reply = try await redis.eval(Self.renewScript, keys: [running, leaseKey(claim.cameraID)], arguments: arguments)
        return reply.int == 1
    }

    static let renewScript = RedisScript(
        """
        if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
        if redis.call('GET', KEYS[2]) ~= ARGV[3] then return 0 end
        redis.call('ZADD', KEYS[1], 'XX', ARGV[2], ARGV[1])
        redis.call('PEXPIRE', KEYS[2], ARGV[4])
        return 1
        """)

    /// Ends the job: schedules the next one at `nextDueAt`, or moves it to the dead set when nil.
    /// Does nothing (returns false) when the claim is no longer this worker's.
    @discardableResult
    public func finish(_ claim: Claim, nextDueAt: Int64?, now: Int64) async throws(RedisError) -> Bool {
        let reply = try await redis.eval(
            Self.finishScript, keys: [running, leaseKey(claim.cameraID), keys.renewals, keys.renewalsDead],
            arguments: [String(claim.cameraID), claim.token, nextDueAt.map(String.init) ?? "", String(now)])
        return reply.int == 1
    }

    static let finishScript = RedisScript(
        """
        if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
        if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
        redis.call('ZREM', KEYS[1], ARGV[1])
        redis.call('DEL', KEYS[2])
        if ARGV[3] == '' then
            redis.call('ZADD', KEYS[4], ARGV[4], ARGV[1])
        else
            redis.call('ZADD', KEYS[3], 'LT', ARGV[3], ARGV[1])
        end
        return 1
        """)

    /// Gives a held job back unfinished (shutdown, renewals paused): due again at `dueAt` (now
    /// when nil), lease deleted, so another worker may run it at once. Not a failure. Does
    /// nothing (returns false) when the claim is no longer this worker's.
    @discardableResult
    public func release(_ claim: Claim, dueAt: Int64? = nil, now: Int64) async throws(RedisError) -> Bool {
        let reply = try await redis.eval(
            Self.releaseScript, keys: [running, leaseKey(claim.cameraID), keys.renewals],
            arguments: [String(claim.cameraID), claim.token, String(dueAt ?? now)])
        return reply.int == 1
    }

    static let releaseScript = RedisScript(
        """
        if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
        if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
        redis.call('ZREM', KEYS[1], ARGV[1])
        redis.call('DEL', KEYS[2])
        redis.call('ZADD', KEYS[3], 'LT', ARGV[3], ARGV[1])
        return 1
        """)

    /// Jobs whose worker stopped renewing its lease go back to `renewals`, due now, and their
    /// lease is deleted: the stalled worker can no longer renew, finish or release them.
    public func reapExpiredLeases(now: Int64) async throws(RedisError) -> Int {
        let reply = try await redis.eval(Self.reapScript, keys: [running, keys.renewals], arguments: [String(now), keys.renewalLeasePrefix])
        return reply.int ?? 0
    }

    static let reapScript = RedisScript(
        """
        local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
        for _, id in ipairs(expired) do
            redis.call('ZREM', KEYS[1], id)
            redis.call('DEL', ARGV[2] .. id)
            redis.call('ZADD', KEYS[2], 'LT', ARGV[1], id)
        end
        return #expired
        """)

    /// Whether the queue was seeded from PostgreSQL since Redis last lost its data (the marker
    /// goes with the rest of the keys when Redis restarts empty or is flushed).
    public func isSeeded() async throws(RedisError) -> Bool {
        try await redis.exists(keys.renewalsSeeded)
    }

    /// Marks the queue seeded (see ``isSeeded()``).
    public func markSeeded() async throws(RedisError) {
        _ = try await redis.send(RedisCommand("SET", [keys.renewalsSeeded, "1"]))
    }

    /// The next due time, to sleep until it (nil when nothing is scheduled).
    public func nextDueAt() async throws(RedisError) -> Int64? {
        let first = try await redis.send(RedisCommand("ZRANGE", [keys.renewals, "0", "0", "WITHSCORES"])).array ?? []
        return first.count == 2 ? first[1].double.map { Int64($0) } : nil
    }

    /// Camera ids in the dead set with when they gave up.
    public func dead() async throws(RedisError) -> [(cameraID: Int64, at: Int64)] {
        try await redis.zrangeByScore(keys.renewalsDead, min: "-inf", max: "+inf").compactMap { member, score in
            Int64(member).map { ($0, Int64(score)) }
        }
    }

    public func dueAt(cameraID: Int64) async throws(RedisError) -> Int64? {
        try await redis.zscore(keys.renewals, String(cameraID)).map { Int64($0) }
    }
}
