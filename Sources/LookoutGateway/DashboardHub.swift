import Foundation
import Logging
import LookoutCore
import LookoutRedis
import ServiceLifecycle
import Synchronization

/// Delivers every notification, in sequence order and without gaps, to the dashboards on this
/// gateway; and closes local NVR sessions that a newer connection replaced elsewhere.
///
/// Pub/sub may drop messages (a reconnect, a slow subscriber): the hub notices a gap in the
/// sequence, or a resubscription, and fills it from the history stream before delivering.
final class DashboardHub: Service, Sendable {
    struct Dashboard: Sendable {
        let continuation: AsyncStream<String>.Continuation
        /// The API key it authenticated with (closed when the key stops working).
        let keyID: Int64?
        /// Starts closing the socket; returns at once.
        let close: @Sendable (CloseCode) -> Void
    }

    private let subscriber: RedisSubscriber
    private let history: NotificationHistory
    private let lifecycle: NVRSessionLifecycle
    private let queueLimit: Int
    /// Channel of ``GatewayControl`` messages (revoked NVR connections).
    private let controlChannel: String
    private let logger: Logger
    private let lastSequence = Mutex<Int64?>(nil)
    private let dashboards = Mutex<[UUID: Dashboard]>([:])

    init(
        subscriber: RedisSubscriber, history: NotificationHistory, lifecycle: NVRSessionLifecycle, queueLimit: Int, controlChannel: String,
        logger: Logger
    ) {
        self.subscriber = subscriber
        self.history = history
        self.lifecycle = lifecycle
        self.queueLimit = queueLimit
        self.controlChannel = controlChannel
        self.logger = logger
    }

    var dashboardCount: Int { dashboards.withLock { $0.count } }

    func run() async throws {
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.subscriber.run() }
            for await event in subscriber.events {
                switch event {
                case .subscribed:
                    await startSequenceIfUnknown()
                    await catchUp(through: nil)
                case .message(let channel, let payload):
                    if channel == controlChannel {
                        closeRevokedSession(payload)
                        continue
                    }
                    guard let seq = Notification.sequence(of: payload) else { continue }
                    await catchUp(through: seq - 1)
                    deliver(payload, seq: seq)
                }
            }
            group.cancelAll()
        }
        // Shutdown: tell every dashboard to reconnect elsewhere.
        for dashboard in dashboards.withLock({ Array($0.values) }) { dashboard.close(.goingAway) }
    }

    /// Registers a dashboard; its stream gets every notification from now on.
    func attach(id: UUID, keyID: Int64?, close: @escaping @Sendable (CloseCode) -> Void) -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingOldest(queueLimit))
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

    /// At the first subscription, deliveries start after the newest published notification.
    private func startSequenceIfUnknown() async {
        guard lastSequence.withLock({ $0 }) == nil, let current = try? await history.currentSequence() else { return }
        lastSequence.withLock { last in
            if last == nil { last = current }
        }
    }

    /// Delivers what the history holds between the last delivered sequence and `last`.
    private func catchUp(through last: Int64?) async {
        guard let known = lastSequence.withLock({ $0 }) else { return }
        if let last, last <= known { return }
        do {
            guard let missed = try await history.after(known, through: last) else {
                logger.warning("Notification history no longer covers a gap; dashboards will resync", metadata: ["lookout.notify.seq": "\(known)"])
                return
            }
            for payload in missed {
                if let seq = Notification.sequence(of: payload) { deliver(payload, seq: seq) }
            }
        } catch {
            logger.warning("Could not read notification history", metadata: ["lookout.redis.error": "\(error)"])
        }
    }

    private func deliver(_ payload: String, seq: Int64) {
        let isNew = lastSequence.withLock { last in
            if let known = last, seq <= known { return false }
            last = seq
            return true
        }
        guard isNew else { return }
        for (_, dashboard) in dashboards.withLock({ $0 }) {
            if case .dropped = dashboard.continuation.yield(payload) {
                dashboard.close(.tooSlow)
            }
        }
        closeReplacedSession(payload)
    }

    /// A notification about an NVR that has a session here: if the store moved past this
    /// session (a newer connection elsewhere, or the sweeper declared it dead), close it so the
    /// agent's one live connection is the one the store knows.
    private func closeReplacedSession(_ payload: String) {
        guard payload.contains(#""type":"nvr""#), let change = try? JSONDecoder().decode(NVRChange.self, from: Data(payload.utf8)),
            let session = lifecycle.registry.session(hostname: change.nvr.hostname)
        else { return }
        let version = session.currentVersion
        let code: CloseCode? =
            if change.nvr.version > version { .replaced } else if change.nvr.version == version && change.nvr.status == .offline { .heartbeatTimeout } else { nil }
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
