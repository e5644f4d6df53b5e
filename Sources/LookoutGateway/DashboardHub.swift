import Foundation
import Logging
import LookoutCore
import LookoutNotify
import LookoutRedis
import ServiceLifecycle
import Synchronization

/// Delivers every notification, in sequence order and without gaps, to the dashboards on this
/// gateway; and closes local NVR sessions that a newer connection replaced elsewhere.
///
/// Pub/sub may drop messages (a reconnect, a slow subscriber): the hub notices a gap in the
/// sequence, or a resubscription, and fills it from the history stream before delivering. When
/// it cannot — the history no longer holds the gap, the feed has a new epoch or its sequence
/// went backwards (Redis lost its data) — its dashboards get a fresh snapshot from PostgreSQL
/// instead, in order with the notifications (``FeedFollower``).
final class DashboardHub: Service, Sendable {
    struct Dashboard: Sendable {
        let continuation: AsyncStream<DashboardFeedItem>.Continuation
        /// The API key it authenticated with (closed when the key stops working).
        let keyID: Int64?
        /// Starts closing the socket; returns at once.
        let close: @Sendable (CloseCode) -> Void
    }

    private let subscriber: RedisSubscriber
    private let follower: FeedFollower
    private let lifecycle: NVRSessionLifecycle
    private let queueLimit: Int
    /// Channel of ``GatewayControl`` messages (revoked NVR connections).
    private let controlChannel: String
    /// Counts each time the dashboards were resynchronised or closed, by reason.
    private let resynced: @Sendable (String) -> Void
    private let logger: Logger
    private let dashboards = Mutex<[UUID: Dashboard]>([:])

    init(
        subscriber: RedisSubscriber, follower: FeedFollower, lifecycle: NVRSessionLifecycle, queueLimit: Int, controlChannel: String,
        resynced: @escaping @Sendable (String) -> Void = { _ in }, logger: Logger
    ) {
        self.subscriber = subscriber
        self.follower = follower
        self.lifecycle = lifecycle
        self.queueLimit = queueLimit
        self.controlChannel = controlChannel
        self.resynced = resynced
        self.logger = logger
    }

    var dashboardCount: Int { dashboards.withLock { $0.count } }

    /// The gateway is draining: new dashboards are turned away (1012).
    var isDraining: Bool { lifecycle.registry.isDraining }

    func run() async throws {
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.subscriber.run() }
            // Only this loop moves the hub's position.
            var feed = FeedPosition()
            for await event in subscriber.events {
                switch event {
                case .subscribed:
                    await follow(&feed) { feed, send in try await self.follower.synchronize(feed: &feed, send: send) }
                case .message(let channel, let payload):
                    if channel == controlChannel {
                        closeRevokedSession(payload)
                        continue
                    }
                    guard let position = NotificationPosition(json: payload) else { continue }
                    await follow(&feed) { feed, send in try await self.follower.receive(payload, at: position, feed: &feed, send: send) }
                }
            }
            group.cancelAll()
        }
        // Shutdown, after the NVRs' drain: tell every dashboard to reconnect elsewhere at once
        // (1012); it resumes from its `lastSeq` there, without a gap.
        for dashboard in dashboards.withLock({ Array($0.values) }) { dashboard.close(.serviceRestart) }
    }

    /// Registers a dashboard; its stream gets every notification (and any fresh snapshot) from now on.
    func attach(id: UUID, keyID: Int64?, close: @escaping @Sendable (CloseCode) -> Void) -> AsyncStream<DashboardFeedItem> {
        let (stream, continuation) = AsyncStream.makeStream(of: DashboardFeedItem.self, bufferingPolicy: .bufferingOldest(queueLimit))
        dashboards.withLock { $0[id] = Dashboard(continuation: continuation, keyID: keyID, close: close) }
        return stream
    }

    /// The API keys the open dashboards authenticated with.
    var keyIDs: Set<Int64> { dashboards.withLock { Set($0.values.compactMap(\.keyID)) } }

    /// Closes every dashboard that authenticated with one of `keyIDs`; returns how many.
    @discardableResult
    func close(keyIDs: Set<Int64>, code: CloseCode) -> Int {
        let closing = dashboards.withLock { $0.values.filter { $0.keyID.map(keyIDs.contains) ?? false } }
        for dashboard in closing { dashboard.close(code) }
        return closing.count
    }

    func detach(id: UUID) {
        dashboards.withLock { $0[id] }?.continuation.finish()
        dashboards.withLock { $0[id] = nil }
    }

    /// Runs one step of the follower with the hub's fan-out as its output. A resync is logged
    /// and counted; a failure (Redis or PostgreSQL unreachable while filling a gap or taking a
    /// snapshot) closes the dashboards with 1013, so they reconnect with their `lastSeq` and
    /// get the exact replay or a snapshot, instead of silently showing stale state.
    private func follow(
        _ feed: inout FeedPosition, _ step: (inout FeedPosition, FeedFollower.Send) async throws -> FeedPosition.Resync?
    ) async {
        let before = feed.current
        do {
            guard let reason = try await retrying({ try await step(&feed, { item in self.fanOut(item) }) }) else { return }
            resynced(reason.rawValue)
            logger.warning(
                "Dashboards resynchronised with a fresh snapshot",
                metadata: [
                    "lookout.notify.reason": "\(reason.rawValue)", "lookout.notify.from": "\(before.map(\.description) ?? "-")",
                    "lookout.notify.to": "\(feed.current.map(\.description) ?? "-")", "lookout.dashboard.count": "\(dashboardCount)",
                ])
        } catch {
            feed.forget()
            resynced("failed")
            let closing = dashboards.withLock { Array($0.values) }
            for dashboard in closing { dashboard.close(.unavailable) }
            logger.error(
                "Could not bring dashboards up to date; closed them to reconnect",
                metadata: ["lookout.error": "\(error)", "lookout.notify.from": "\(before.map(\.description) ?? "-")", "lookout.dashboard.count": "\(closing.count)"])
        }
    }

    /// A step that failed is tried again twice (after 250 ms, then 1 s), so one command lost
    /// to a connection Redis just dropped does not close every dashboard. Repeating a step is
    /// safe: the position kept what was delivered, so nothing is sent twice.
    private func retrying(_ step: () async throws -> FeedPosition.Resync?) async throws -> FeedPosition.Resync? {
        for delay in [Duration.milliseconds(250), .seconds(1)] {
            do {
                return try await step()
            } catch {
                logger.debug("Dashboard feed step failed; retrying", metadata: ["lookout.error": "\(error)"])
                try await Task.sleep(for: delay)
            }
        }
        return try await step()
    }

    private func fanOut(_ item: DashboardFeedItem) {
        for (_, dashboard) in dashboards.withLock({ $0 }) {
            if case .dropped = dashboard.continuation.yield(item) {
                dashboard.close(.tooSlow)
            }
        }
        switch item {
        case .notification(let payload, _):
            closeReplacedSession(payload)
        case .snapshot(_, _, let nvrs):
            // The notifications it stands for were missed here: check the sessions against it.
            for nvr in nvrs { closeReplacedSession(hostname: nvr.hostname, version: nvr.version, status: nvr.status) }
        }
    }

    /// A notification about an NVR that has a session here: if the store moved past this
    /// session (a newer connection elsewhere, or the sweeper declared it dead), close it so the
    /// agent's one live connection is the one the store knows.
    private func closeReplacedSession(_ payload: String) {
        guard payload.contains(#""type":"nvr""#), let change = try? JSONDecoder().decode(NVRChange.self, from: Data(payload.utf8)) else { return }
        closeReplacedSession(hostname: change.nvr.hostname, version: change.nvr.version, status: change.nvr.status)
    }

    private func closeReplacedSession(hostname: String, version stored: Int64, status: DeviceStatus) {
        guard let session = lifecycle.registry.session(hostname: hostname) else { return }
        let version = session.currentVersion
        let code: CloseCode? =
            if stored > version { .replaced } else if stored == version && status == .offline { .heartbeatTimeout } else { nil }
        guard let code else { return }
        var logger = logger
        logger[metadataKey: "lookout.nvr.hostname"] = "\(session.hostname)"
        let lifecycle = lifecycle
        // As above: closing and publishing the disconnect must not hold up the fan-out.
        Task { await lifecycle.end(session, closing: code, logger: logger) }
    }

    /// A ``GatewayControl`` revoke: the NVR's token was rotated (or the NVR deleted or renamed);
    /// its connection here, if any, is closed with 4006.
    private func closeRevokedSession(_ payload: String) {
        guard let control = GatewayControl.decode(payload), control.type == .revoke,
            let session = lifecycle.registry.session(hostname: control.hostname)
        else { return }
        var logger = logger
        logger[metadataKey: "lookout.nvr.hostname"] = "\(session.hostname)"
        logger.info("Closing a revoked NVR connection", metadata: ["lookout.nvr.revoke_reason": "\(control.reason)"])
        let lifecycle = lifecycle
        Task { await lifecycle.end(session, closing: .tokenRevoked, logger: logger) }
    }

    private struct NVRChange: Decodable {
        struct NVR: Decodable {
            let hostname: String
            let version: Int64
            let status: DeviceStatus
        }
        let nvr: NVR
    }
}
