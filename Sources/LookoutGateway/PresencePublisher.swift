import LookoutCore
import LookoutRedis

/// The gateway's writes to Redis for NVR presence: connection versions, presence events and
/// liveness, each change in one round trip. Events go out through ``PresenceOutbox``, which
/// keeps them while Redis is unreachable.
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

    /// ``takeVersion(hostname:floor:)`` for many NVRs in one round trip (re-announcing).
    func takeVersions(_ requests: [(hostname: String, floor: Int64)]) async throws(RedisError) -> [Int64] {
        guard !requests.isEmpty else { return [] }
        // EVAL, not EVALSHA: right after a data loss Redis has no scripts either.
        let replies = try await redis.pipelineChecked(
            requests.map { .eval(Self.takeVersion, keys: [keys.connectionVersion(hostname: $0.hostname)], arguments: [String($0.floor)]) })
        var versions: [Int64] = []
        for reply in replies {
            guard let version = reply.int else { throw RedisError(.unexpectedReply, "version: \(reply)") }
            versions.append(Int64(version))
        }
        return versions
    }

    func connectedEvent(_ session: NVRSession, at now: Int64) -> PresenceEvent {
        PresenceEvent(kind: .connected, hostname: session.hostname, version: session.currentVersion, sessionID: session.sessionID, gatewayID: gatewayID, at: now)
    }

    func disconnectedEvent(_ session: NVRSession, at now: Int64) -> PresenceEvent {
        PresenceEvent(
            kind: .disconnected, hostname: session.hostname, version: session.currentVersion, sessionID: session.sessionID, gatewayID: gatewayID,
            at: now, reason: session.disconnectReason)
    }

    /// A draining gateway sent the agent elsewhere (1012): the session ends, the NVR's status
    /// does not (``PresenceFence``).
    func handoverEvent(_ session: NVRSession, at now: Int64) -> PresenceEvent {
        PresenceEvent(
            kind: .handover, hostname: session.hostname, version: session.currentVersion, sessionID: session.sessionID, gatewayID: gatewayID,
            at: now, reason: "drained")
    }

    /// Appends the events to the presence stream in one pipeline. A `connected` writes its
    /// liveness first, so the sweeper never sees a fresh connection as expired; a
    /// `disconnected` or `handover` leaves liveness alone (it ages out, and removing it could
    /// erase a newer connection's; after a handover it is what lets the sweeper mark an NVR
    /// offline that never came back).
    func send(_ events: [PresenceEvent]) async throws(RedisError) {
        var commands: [RedisCommand] = []
        for event in events {
            if event.kind == .connected { commands.append(.zadd(keys.liveness, [(Double(event.at), event.hostname)], condition: .ifGreater)) }
            commands.append(.xadd(keys.presenceStream, maxLength: streamMaxLength, fields: event.streamFields))
        }
        guard !commands.isEmpty else { return }
        _ = try await redis.pipelineChecked(commands)
    }

    /// One round trip each housekeeping tick: the data marker's check, then one ZADD for every
    /// NVR that sent a heartbeat since the last flush. Returns the marker's `GET` reply.
    func flushLiveness(_ seen: [String: Int64], marker: RedisDataMarker) async throws(RedisError) -> RESPValue {
        var commands = marker.commands
        if !seen.isEmpty { commands.append(.zadd(keys.liveness, seen.map { (Double($0.value), $0.key) }, condition: .ifGreater)) }
        return try await redis.pipelineChecked(commands)[1]
    }
}
