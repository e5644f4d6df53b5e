import Foundation
import Logging
import LookoutCore
import LookoutStore

/// A dashboard's connection after its `dashboard` message: check the API key, send a snapshot
/// (or the notifications after `lastSeq`), then every notification in order.
struct DashboardSocketHandler: Sendable {
    let configuration: GatewayConfiguration
    let apiKeys: APIKeyAuthenticator
    let nvrs: PostgresNVRRepository
    let hub: DashboardHub
    let history: NotificationHistory
    /// A refused key counts against the client's address.
    let failedAuth: FailedAuthLimiter

    func run(
        token: String, lastSeq: Int64?, messages: AsyncStream<String>, connection: WebSocketConnection, clientAddress: String,
        logger baseLogger: Logger
    ) async throws {
        var logger = baseLogger
        let id = UUID()
        logger[metadataKey: "lookout.dashboard.id"] = "\(id)"
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
        // arrives twice is skipped by sequence number below.
        logger[metadataKey: "lookout.api_key.id"] = "\(key.id)"
        let live = hub.attach(id: id, keyID: key.id) { code in connection.startClose(code) }
        defer { hub.detach(id: id) }
        let delivered: Int64
        do {
            delivered = try await sendInitialState(lastSeq: lastSeq, connection: connection)
        } catch {
            logger.warning("Could not send dashboard state", metadata: ["lookout.error": "\(error)"])
            return await connection.close(.unavailable)
        }
        logger.info("Dashboard connected", metadata: ["lookout.dashboard.seq": "\(delivered)"])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var last = delivered
                for await payload in live {
                    guard let seq = Notification.sequence(of: payload), seq > last else { continue }
                    try await connection.send(json: payload)
                    last = seq
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

    /// Sends the missed notifications when the history still has them, else a snapshot.
    /// Returns the sequence the dashboard is at afterwards.
    private func sendInitialState(lastSeq: Int64?, connection: WebSocketConnection) async throws -> Int64 {
        if let lastSeq, let missed = try await history.after(lastSeq) {
            for payload in missed { try await connection.send(json: payload) }
            return missed.last.flatMap(Notification.sequence(of:)) ?? lastSeq
        }
        // The sequence is read before the state: a change after it arrives as a notification.
        let seq = try await history.currentSequence()
        let state = try await nvrs.snapshot()
        try await connection.send(.snapshot(seq: seq, nvrs: state))
        return seq
    }
}
