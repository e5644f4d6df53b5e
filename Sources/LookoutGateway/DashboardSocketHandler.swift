import Foundation
import Logging
import LookoutCore
import LookoutNotify
import LookoutStore

/// A dashboard's connection after its `dashboard` message: check the API key, send a snapshot
/// (or the notifications after `lastSeq`), then every notification in order, and a fresh
/// snapshot whenever the feed had to start over (``FeedFollower``).
struct DashboardSocketHandler: Sendable {
    let configuration: GatewayConfiguration
    let apiKeys: APIKeyAuthenticator
    let hub: DashboardHub
    let follower: FeedFollower
    /// A refused key counts against the client's address.
    let failedAuth: FailedAuthLimiter

    func run(
        token: String, lastSeq: Int64?, epoch: String? = nil, messages: AsyncStream<String>, connection: WebSocketConnection, clientAddress: String,
        logger baseLogger: Logger
    ) async throws {
        var logger = baseLogger
        let id = UUID()
        logger[metadataKey: "lookout.dashboard.id"] = "\(id)"
        // Draining: 1012, so the dashboard reconnects at once, through the load balancer, elsewhere.
        guard !hub.isDraining else { return await connection.close(.serviceRestart) }
        let key: APIKeyIdentity
        do {
            guard let identity = try await apiKeys.identity(forKey: token) else {
                failedAuth.recordFailure(clientAddress)
                logger.warning("Dashboard authentication failed", metadata: ["lookout.ws.client": "\(clientAddress)"])
                return await connection.reject(.authFailed, error: "invalid API key")
            }
            key = identity
        } catch {
            logger.error("Could not check API key", metadata: ["lookout.error": "\(error)"])
            return await connection.close(.unavailable)
        }
        // Attach before reading the state, so nothing published in between is missed; what
        // arrives twice is skipped by its position (epoch + sequence) below.
        logger[metadataKey: "lookout.api_key.id"] = "\(key.id)"
        let live = hub.attach(id: id, keyID: key.id) { code in connection.startClose(code) }
        defer { hub.detach(id: id) }
        let delivered: FeedPosition
        do {
            delivered = try await sendInitialState(lastSeq: lastSeq, epoch: epoch, connection: connection)
        } catch {
            logger.warning("Could not send dashboard state", metadata: ["lookout.error": "\(error)"])
            return await connection.close(.unavailable)
        }
        logger.info("Dashboard connected", metadata: ["lookout.dashboard.position": "\(delivered.current.map(\.description) ?? "-")"])
        let (follower, feedLogger) = (follower, logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // The hub's stream, checked again against this dashboard's own position: its
                // start (a replay or a snapshot) is not the hub's.
                var feed = delivered
                let send: FeedFollower.Send = { item in
                    switch item {
                    case .notification(let json, _), .snapshot(let json, _, _): try await connection.send(json: json)
                    }
                }
                for await item in live {
                    switch item {
                    case .notification(let payload, let position):
                        if let reason = try await follower.receive(payload, at: position, feed: &feed, send: send) {
                            feedLogger.info("Dashboard resynchronised with a fresh snapshot", metadata: ["lookout.notify.reason": "\(reason.rawValue)"])
                        }
                    case .snapshot(let json, let position, _):
                        if feed.offer(snapshot: position) { try await connection.send(json: json) }
                    }
                }
            }
            defer { group.cancelAll() }
            var errors = 0
            for await _ in messages {
                errors += 1
                if errors >= configuration.maxConsecutiveErrors { return await connection.close(.tooManyErrors) }
                try await connection.send(.error(code: "unexpected_message", message: "dashboards send nothing after their first message"))
            }
        }
        logger.info("Dashboard disconnected")
    }

    /// Sends the missed notifications when the history still has them all (a page at a time,
    /// whatever their number), else a snapshot: also when `epoch` is not the feed's any more.
    /// Returns the position the dashboard is at afterwards.
    private func sendInitialState(lastSeq: Int64?, epoch: String?, connection: WebSocketConnection) async throws -> FeedPosition {
        if let lastSeq {
            let reached = try await follower.history.replay(after: lastSeq, epoch: epoch) { payload, _ in
                try await connection.send(json: payload)
            }
            if let reached { return FeedPosition(reached) }
        }
        let snapshot = try await follower.snapshots.make()
        try await connection.send(json: snapshot.json)
        return FeedPosition(snapshot.position)
    }
}
