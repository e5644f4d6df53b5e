public import Logging
public import LookoutRedis

/// The account-wide request limiter, shared by every process through one Redis sorted set.
///
/// A Lua script reads Redis `TIME` (one clock for all processes), drops entries older than
/// the window, and admits the caller only while fewer than `requests` remain; otherwise it
/// answers how long until the oldest entry leaves the window. So no window of
/// `rateLimit.enforcedWindow` ever holds more than `requests` admitted calls, whichever
/// processes sent them. `acquire()` waits for a slot; it never gives up because of the limit.
public final class HikRateLimiter: Sendable {
    public let rateLimit: HikRateLimit
    let redis: RedisClient
    let key: String
    let logger: Logger

    public init(redis: RedisClient, key: String, rateLimit: HikRateLimit, logger: Logger) {
        self.redis = redis
        self.key = key
        self.rateLimit = rateLimit
        self.logger = logger
    }

    /// KEYS[1] sorted set of admitted calls (score: Redis time in µs); ARGV: limit, window µs,
    /// member. Returns 0 when admitted, else the µs until a slot frees.
    static let script = RedisScript(
        """
        local limit = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
        if redis.call('ZCARD', KEYS[1]) < limit then
          redis.call('ZADD', KEYS[1], now, ARGV[3])
          redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
          return 0
        end
        local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
        local wait = tonumber(oldest[2]) + window - now
        if wait < 1 then wait = 1 end
        return wait
        """)

    /// Waits until the account may send one more request, and takes that slot.
    /// Throws only when Redis fails (`.redis`) or the task is cancelled (`.cancelled`).
    public func acquire() async throws(HikConnectError) {
        let windowMicros = rateLimit.enforcedWindow.microseconds
        var waited = Duration.zero
        while true {
            let member = "\(UInt64.random(in: .min ... .max))"
            let reply: RESPValue
            do {
                reply = try await redis.eval(Self.script, keys: [key], arguments: [String(rateLimit.requests), String(windowMicros), member])
            } catch {
                throw HikConnectError(.redis, "rate limiter: \(error)")
            }
            guard let wait = reply.int, wait > 0 else {
                if waited > .seconds(2) {
                    logger.debug("Rate limit slot acquired", metadata: ["lookout.hik.waited_ms": "\(waited.microseconds / 1000)"])
                }
                return
            }
            // A little jitter keeps waiting processes from asking in lockstep.
            let pause = min(.microseconds(wait), rateLimit.maximumPoll) + .microseconds(Int.random(in: 0...3000))
            do { try await Task.sleep(for: pause) } catch { throw HikConnectError(.cancelled, "cancelled while waiting for a rate-limit slot") }
            waited += pause
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
