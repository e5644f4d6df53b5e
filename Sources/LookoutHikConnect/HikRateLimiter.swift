public import Logging
public import LookoutRedis

/// The account-wide request limiter, shared by every process through one Redis sorted set.
///
/// A Lua script reads Redis `TIME` (one clock for all processes), drops entries older than
/// the window, and admits the caller only while fewer than `requests` remain; otherwise it
/// answers how long until the oldest entry leaves the window.
///
/// **A slot counts until the request has surely arrived.** A request reaches the cloud some
/// time after it took its slot (scheduling on a loaded machine, connection set-up, the
/// network: 44 ms were seen). So a slot taken with `acquire(holdingFor:)` is scored at "now +
/// hold" while the request is in flight, which keeps it in every window, and ``sent(_:)``
/// re-stamps it with the time the answer (or failure) came back, an upper bound of the time
/// the request arrived. A later request is admitted only once `requests` arrivals are surely
/// more than a window behind it, however long each one took to leave: no cloud-side window
/// ever holds more than `requests` of ours. A process that dies mid-request leaves its slot
/// held until the hold (the request timeout) runs out, never less.
///
/// **A rate-limit answer slows everyone.** ``backOff()`` sets a shared key for
/// `rateLimit.backoff`; while it exists no process takes a slot.
///
/// `acquire()` waits for a slot; it never gives up because of the limit.
public final class HikRateLimiter: Sendable {
    public let rateLimit: HikRateLimit
    let redis: RedisClient
    let key: String
    let backoffKey: String
    let logger: Logger

    public init(redis: RedisClient, key: String, backoffKey: String, rateLimit: HikRateLimit, logger: Logger) {
        self.redis = redis
        self.key = key
        self.backoffKey = backoffKey
        self.rateLimit = rateLimit
        self.logger = logger
    }

    /// A slot taken by ``acquire(holdingFor:)``; hand it to ``sent(_:)`` once the request is done.
    public struct Slot: Sendable, Hashable {
        let member: String
    }

    /// KEYS[1] sorted set of slots (score: Redis time in µs, in the future while held), KEYS[2]
    /// the shared back-off key; ARGV: limit, window µs, member, hold µs. Returns 0 when
    /// admitted, else the µs until a slot may free.
    static let script = RedisScript(
        """
        local limit = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        local hold = tonumber(ARGV[4])
        local backoff = redis.call('PTTL', KEYS[2])
        if backoff > 0 then return backoff * 1000 end
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
        if redis.call('ZCARD', KEYS[1]) < limit then
          redis.call('ZADD', KEYS[1], now + hold, ARGV[3])
          redis.call('PEXPIRE', KEYS[1], math.ceil((window + hold) / 1000) + 1000)
          return 0
        end
        local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
        local wait = tonumber(oldest[2]) + window - now
        if wait < 1 then wait = 1 end
        return wait
        """)

    /// Re-stamps a held slot with Redis `TIME` (the request is done: it arrived before now).
    static let sentScript = RedisScript(
        """
        if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
        local t = redis.call('TIME')
        redis.call('ZADD', KEYS[1], 'XX', tonumber(t[1]) * 1000000 + tonumber(t[2]), ARGV[1])
        return 1
        """)

    /// Sets the back-off key unless it already runs longer.
    static let backOffScript = RedisScript(
        """
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl >= tonumber(ARGV[1]) then return 0 end
        redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
        return 1
        """)

    /// Waits until the account may send one more request, and takes that slot. With a `hold`,
    /// the slot counts as "now + hold" until ``sent(_:)`` re-stamps it; without, it is stamped
    /// now (the request must leave at once).
    /// Throws only when Redis fails (`.redis`) or the task is cancelled (`.cancelled`).
    @discardableResult
    public func acquire(holdingFor hold: Duration = .zero) async throws(HikConnectError) -> Slot {
        let windowMicros = rateLimit.enforcedWindow.microseconds
        var waited = Duration.zero
        while true {
            let member = "\(UInt64.random(in: .min ... .max))"
            let reply: RESPValue
            do {
                reply = try await redis.eval(
                    Self.script, keys: [key, backoffKey],
                    arguments: [String(rateLimit.requests), String(windowMicros), member, String(max(hold, .zero).microseconds)])
            } catch {
                throw HikConnectError(.redis, "rate limiter: \(error)")
            }
            guard let wait = reply.int, wait > 0 else {
                if waited > .seconds(2) {
                    logger.debug("Rate limit slot acquired", metadata: ["lookout.hik.waited_ms": "\(waited.microseconds / 1000)"])
                }
                return Slot(member: member)
            }
            // A little jitter keeps waiting processes from asking in lockstep.
            let pause = min(.microseconds(wait), rateLimit.maximumPoll) + .microseconds(Int.random(in: 0...3000))
            do { try await Task.sleep(for: pause) } catch { throw HikConnectError(.cancelled, "cancelled while waiting for a rate-limit slot") }
            waited += pause
        }
    }

    /// The request of `slot` is done (answered or failed): its slot now counts from this moment.
    /// Best effort: if Redis fails, the slot stays held until its hold runs out (slower, still safe).
    public func sent(_ slot: Slot) async {
        do {
            _ = try await redis.eval(Self.sentScript, keys: [key], arguments: [slot.member])
        } catch {
            logger.debug("Rate limit slot not re-stamped; it stays held", metadata: ["lookout.hik.error": "\(error)"])
        }
    }

    /// The cloud answered "rate limited": no process takes a slot for `rateLimit.backoff`.
    public func backOff() async throws(HikConnectError) {
        do {
            _ = try await redis.eval(Self.backOffScript, keys: [backoffKey], arguments: [String(rateLimit.backoff.microseconds / 1000)])
        } catch {
            throw HikConnectError(.redis, "rate limiter back-off: \(error)")
        }
    }
}

extension Duration {
    /// Whole microseconds, rounded down.
    var microseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
