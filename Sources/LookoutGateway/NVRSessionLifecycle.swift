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
        if let code { await session.close(code) }
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
}
