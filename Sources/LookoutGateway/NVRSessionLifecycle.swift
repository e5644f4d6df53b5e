import Logging
import LookoutCore
import LookoutRedis
import Synchronization

/// Starts and ends NVR sessions: the steps every path (handler, watchdog, hub, shutdown) shares.
/// Their events go out through ``outbox``, in order; an end that Redis cannot take now waits
/// there (docs/reliability.md, "Redis outages and data loss: presence").
struct NVRSessionLifecycle: Sendable {
    let registry: NVRSessionRegistry
    let publisher: PresencePublisher
    let outbox: PresenceOutbox

    init(registry: NVRSessionRegistry, publisher: PresencePublisher, outbox: PresenceOutbox? = nil, logger: Logger = Logger(label: "lookout.gateway")) {
        self.registry = registry
        self.publisher = publisher
        self.outbox = outbox ?? PresenceOutbox(logger: logger) { events throws(RedisError) in try await publisher.send(events) }
    }

    /// Registers the session and announces it; an older session of the same NVR here is closed.
    /// Throws when the `connected` cannot be published now: the caller refuses the connection
    /// (nothing of it is kept).
    func start(_ session: NVRSession, logger: Logger) async throws(RedisError) {
        if let previous = registry.register(session) {
            logger.info("NVR connected again; closing the older connection", metadata: ["lookout.nvr.replaced_session": "\(previous.sessionID)"])
            await end(previous, closing: .replaced, logger: logger)
        }
        let event = publisher.connectedEvent(session, at: session.lastSeen.load(ordering: .relaxed))
        guard await outbox.publish([event], keep: false) else {
            throw RedisError(.connectionFailed, "the connection's presence event could not be published")
        }
    }

    /// Closes the socket (when `code` is given) and publishes `disconnected`, once per session.
    /// If Redis does not take it now, it waits in the outbox and goes out when Redis answers.
    func end(_ session: NVRSession, closing code: CloseCode? = nil, logger: Logger) async {
        if let code { session.close(code) }
        registry.unregister(session)
        guard session.claimDisconnect() else { return }
        if await outbox.publish([publisher.disconnectedEvent(session, at: unixMillis())], keep: true) {
            logger.info("NVR disconnected", metadata: ["lookout.nvr.reason": "\(session.disconnectReason)"])
        } else {
            logger.notice("NVR disconnected; the event waits for Redis", metadata: ["lookout.nvr.reason": "\(session.disconnectReason)"])
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
            let sessions = ending[start..<min(start + batch, ending.count)]
            let now = unixMillis()
            if await outbox.publish(sessions.map { publisher.disconnectedEvent($0, at: now) }, keep: true) { published += sessions.count }
        }
        // One last try for what waits (events from an outage, and these if Redis failed before).
        let waiting = await outbox.flush() ? 0 : await outbox.count
        if waiting > 0 {
            // Lost with this process: the sweeper marks those NVRs offline when their liveness expires.
            logger.error("Presence events not published before shutdown", metadata: ["lookout.presence.backlog": "\(waiting)"])
        }
        logger.info("NVRs disconnected", metadata: ["lookout.nvr.reason": "\(code.reason)", "lookout.nvr.count": "\(published)"])
    }
}
