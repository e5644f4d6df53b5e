import LookoutCore
import LookoutRedis

/// The gateway's writes to Redis for NVR presence: connection versions, presence events and
/// liveness, each change in one round trip.
struct PresencePublisher: Sendable {
    let redis: RedisClient
    let keys: RedisKeys
    let gatewayID: String
    let streamMaxLength: Int

    /// INCR the NVR's version, but never below `floor` (PostgreSQL's version + 1): after Redis
    /// loses its data, versions still only grow.
    static let takeVersion = RedisScript(
        """
        local v = redis.call('INCR', KEYS[1])
        local floor = tonumber(ARGV[1])
        if v < floor then
            redis.call('SET', KEYS[1], floor)
            v = floor
        end
        return v
        """)

    func takeVersion(hostname: String, floor: Int64) async throws(RedisError) -> Int64 {
        let reply = try await redis.eval(Self.takeVersion, keys: [keys.connectionVersion(hostname: hostname)], arguments: [String(floor)])
        guard let version = reply.int else { throw RedisError(.unexpectedReply, "version: \(reply)") }
        return Int64(version)
    }

    /// Liveness first, then the event: the sweeper never sees a fresh connection as expired.
    func connected(hostname: String, version: Int64, sessionID: String, at now: Int64) async throws(RedisError) {
        let event = PresenceEvent(kind: .connected, hostname: hostname, version: version, sessionID: sessionID, gatewayID: gatewayID, at: now)
        _ = try await redis.pipelineChecked([
            .zadd(keys.liveness, [(Double(now), hostname)], condition: .ifGreater),
            .xadd(keys.presenceStream, maxLength: streamMaxLength, fields: event.streamFields),
        ])
    }

    /// The liveness entry stays: it ages out, and removing it could erase a newer connection's.
    func disconnected(_ session: NVRSession, at now: Int64) async throws(RedisError) {
        try await redis.send(disconnectedEvent(session, at: now))
    }

    /// Many sessions' `disconnected` events in one pipeline (shutdown).
    func disconnected(_ sessions: [NVRSession], at now: Int64) async throws(RedisError) {
        _ = try await redis.pipelineChecked(sessions.map { disconnectedEvent($0, at: now) })
    }

    private func disconnectedEvent(_ session: NVRSession, at now: Int64) -> RedisCommand {
        let event = PresenceEvent(
            kind: .disconnected, hostname: session.hostname, version: session.currentVersion, sessionID: session.sessionID, gatewayID: gatewayID,
            at: now, reason: session.disconnectReason)
        return .xadd(keys.presenceStream, maxLength: streamMaxLength, fields: event.streamFields)
    }

    /// One ZADD for every NVR that sent a heartbeat since the last flush.
    func flushLiveness(_ seen: [String: Int64]) async throws(RedisError) {
        guard !seen.isEmpty else { return }
        try await redis.send(.zadd(keys.liveness, seen.map { (Double($0.value), $0.key) }, condition: .ifGreater))
    }
}
