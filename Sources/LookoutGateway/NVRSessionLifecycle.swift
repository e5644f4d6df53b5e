import Logging
import LookoutCore
import LookoutRedis
import Synchronization

/// Starts and ends NVR sessions: the steps every path (handler, watchdog, hub, shutdown) shares.
struct NVRSessionLifecycle: Sendable {
    let registry: NVRSessionRegistry
    let publisher: PresencePublisher

    /// Registers the session and announces it; an older session of the same NVR here is closed.
    func start(_ session: NVRSession, logger: Logger) async throws(RedisError) {
        if let previous = registry.register(session) {
            logger.info("NVR connected again; closing the older connection", metadata: ["lookout.nvr.replaced_session": "\(previous.sessionID)"])
            await end(previous, closing: .replaced, logger: logger)
        }
        try await publisher.connected(hostname: session.hostname, version: session.currentVersion, sessionID: session.sessionID, at: session.lastSeen.load(ordering: .relaxed))
    }

    /// Closes the socket (when `code` is given) and publishes `disconnected`, once per session.
    func end(_ session: NVRSession, closing code: CloseCode? = nil, logger: Logger) async {
        if let code { session.close(code) }
        registry.unregister(session)
        guard session.claimDisconnect() else { return }
        do {
            try await publisher.disconnected(session, at: unixMillis())
            logger.info("NVR disconnected", metadata: ["lookout.nvr.reason": "\(session.disconnectReason)"])
        } catch {
            // The sweeper marks it offline when its liveness expires.
            logger.warning("Could not publish disconnect", metadata: ["lookout.redis.error": "\(error)"])
        }
    }

    /// Shutdown's ``end(_:closing:logger:)`` for every session at once. The `disconnected`
    /// events are claimed before the sockets close (so the sockets' own endings do not publish
    /// them one by one) and go out in pipelines of `batch`: one round trip per batch instead of
    /// one per session, while the agents are already reconnecting elsewhere.
    func endAll(_ sessions: [NVRSession], closing code: CloseCode, batch: Int = 1_000, logger: Logger) async {
        let ending = sessions.filter { $0.claimDisconnect() }
        for session in sessions { session.close(code) }
        for session in sessions { registry.unregister(session) }
        var published = 0
        for start in stride(from: 0, to: ending.count, by: batch) {
            let sessions = Array(ending[start..<min(start + batch, ending.count)])
            do {
                try await publisher.disconnected(sessions, at: unixMillis())
                published += sessions.count
            } catch {
                // The sweeper marks them offline when their liveness expires.
                logger.warning("Could not publish disconnects", metadata: ["lookout.redis.error": "\(error)", "lookout.nvr.count": "\(sessions.count)"])
            }
        }
        logger.info("NVRs disconnected", metadata: ["lookout.nvr.reason": "\(code.reason)", "lookout.nvr.count": "\(published)"])
    }
}
