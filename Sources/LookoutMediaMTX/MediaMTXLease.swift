import Foundation
import LookoutCore
public import LookoutRedis

/// The Redis lease that makes one MediaMTX sync the active one (`<prefix>mediamtx:lease`).
///
/// `SET key token NX PX ttl` takes it; the holder extends it (`PEXPIRE`, only while the key
/// still holds its token) well before it runs out, and deletes it (again only its own) when it
/// shuts down, so a standby takes over at once instead of after the TTL. A holder that cannot
/// renew (crashed, partitioned from Redis) loses it when the TTL runs out.
public struct MediaMTXLease: Sendable {
    public let key: String
    /// This holder's random token, the key's value while it holds the lease.
    public let token: String
    public let ttl: Duration
    let redis: RedisClient

    static let renewScript = RedisScript(
        """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 0
        """)
    static let releaseScript = RedisScript(
        """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """)

    public init(redis: RedisClient, key: String, ttl: Duration, token: String? = nil) {
        self.redis = redis
        self.key = key
        self.ttl = ttl
        self.token = token ?? UUID().uuidString
    }

    /// Takes the lease if nobody holds it; true when this holder has it now.
    public func acquire() async throws(RedisError) -> Bool {
        if try await redis.set(key, token, ttl: ttl, condition: .ifNotExists) { return true }
        return try await renew()
    }

    /// Extends the lease; false when it is no longer this holder's.
    public func renew() async throws(RedisError) -> Bool {
        try await redis.eval(Self.renewScript, keys: [key], arguments: [token, String(ttl.inMilliseconds)]).int == 1
    }

    /// Whether this holder has the lease now (read only: the fence checked right before a write).
    public func holds() async throws(RedisError) -> Bool {
        try await redis.get(key) == token
    }

    /// Gives the lease up if this holder has it.
    public func release() async throws(RedisError) {
        try await redis.eval(Self.releaseScript, keys: [key], arguments: [token])
    }
}
