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

    /// The drain's end of `sessions` (``GatewayHousekeeping``): each one not ended already is
    /// claimed, so its socket's own ending publishes nothing; their `handover` events go out in
    /// pipelines of `batch` (kept in the outbox if Redis does not take them); then each socket
    /// is closed with 1012 and the agent reconnects elsewhere. A `handover` leaves the NVR online (see
    /// ``PresenceFence``), so the move is neither an offline nor an alert. Sessions that ended on
    /// their own meanwhile keep their `disconnected`. Returns how many were handed over.
    func handOver(_ sessions: [NVRSession], batch: Int = 1_000, logger: Logger) async -> Int {
        let ending = sessions.filter { $0.claimDisconnect() }
        for start in stride(from: 0, to: ending.count, by: batch) {
            let chunk = ending[start..<min(start + batch, ending.count)]
            let now = unixMillis()
            // Before the close: the session's end is in the stream before its successor's start.
            let published = await outbox.publish(chunk.map { publisher.handoverEvent($0, at: now) }, keep: true)
            for session in chunk {
                registry.unregister(session)
                session.close(.serviceRestart)
            }
            if !published { logger.notice("NVRs handed over; their events wait for Redis", metadata: ["lookout.nvr.count": "\(chunk.count)"]) }
        }
        return ending.count
    }
}
