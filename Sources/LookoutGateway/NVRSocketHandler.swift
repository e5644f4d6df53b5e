import Foundation
import Logging
import LookoutCore
import LookoutRedis
import LookoutStore

/// An NVR agent's connection after its `auth` message: ``admit`` authenticates and announces it.
/// Its heartbeats are then answered by ``GatewaySocketHandler`` on the event loop, and its end is
/// announced by ``NVRSessionLifecycle/end(_:closing:logger:)``. See docs/protocol.md.
struct NVRSocketHandler: Sendable {
    /// The `error` of every refused `auth`, whatever the reason.
    static let authFailedMessage = "authentication failed"

    let configuration: GatewayConfiguration
    let nvrs: PostgresNVRRepository
    let lifecycle: NVRSessionLifecycle
    /// Every refused hostname/token counts against the client's address.
    let failedAuth: FailedAuthLimiter

    /// An NVR that authenticated and was announced, with its connection's logger.
    struct Admitted: Sendable {
        let session: NVRSession
        let logger: Logger
    }

    /// Authenticates, announces the session and sends `auth_ok`; nil after closing the socket.
    func admit(
        hostname: String, token: String?, connection: WebSocketConnection, clientAddress: String, logger baseLogger: Logger
    ) async -> Admitted? {
        var logger = baseLogger
        logger[metadataKey: "lookout.nvr.hostname"] = "\(hostname)"
        // Draining: 1012, so the agent reconnects at once, through the load balancer, elsewhere.
        guard !lifecycle.registry.isDraining else {
            await connection.close(.serviceRestart)
            return nil
        }
        guard let session = await authenticate(hostname: hostname, token: token, connection: connection, clientAddress: clientAddress, logger: logger)
        else { return nil }
        logger[metadataKey: "lookout.nvr.session"] = "\(session.sessionID)"
        logger[metadataKey: "lookout.nvr.version"] = "\(session.currentVersion)"
        // Shutdown may have begun while this one authenticated.
        guard !lifecycle.registry.isDraining else {
            await connection.close(.serviceRestart)
            return nil
        }
        do {
            try await lifecycle.start(session, logger: logger)
        } catch {
            logger.warning("Could not announce NVR connection", metadata: ["lookout.redis.error": "\(error)"])
            lifecycle.outbox.noteRefused()
            lifecycle.registry.unregister(session)
            _ = session.claimDisconnect()
            await connection.close(.unavailable)
            return nil
        }
        try? await connection.send(.authOK(session: session.sessionID, heartbeatInterval: configuration.heartbeatSeconds))
        logger.info("NVR connected")
        return Admitted(session: session, logger: logger)
    }

    /// Checks the token and takes a connection version; nil after rejecting the connection.
    private func authenticate(
        hostname: String, token: String?, connection: WebSocketConnection, clientAddress: String, logger: Logger
    ) async -> NVRSession? {
        let credentials: NVRCredentials?
        do {
            credentials = try await nvrs.credentials(hostname: hostname)
        } catch {
            logger.error("Could not look up NVR", metadata: ["lookout.error": "\(error)"])
            await connection.close(.unavailable)
            return nil
        }
        // One answer for every failure, so a client cannot tell an unknown hostname from a wrong
        // token (no hostname enumeration); the log keeps the reason.
        let failure: String? =
            switch (credentials, token) {
            case (nil, _): "unknown hostname"
            case (let credentials?, let token?):
                credentials.tokenHash.map { SecretHash.sha256Hex(token) == $0 } == true ? nil : "wrong token"
            case (let credentials?, nil): credentials.hostnameOnlyAuth ? nil : "no token"
            }
        guard let credentials, failure == nil else {
            logger.warning("NVR authentication failed", metadata: ["lookout.auth.reason": "\(failure ?? "")"])
            failedAuth.recordFailure(clientAddress)
            await connection.reject(.authFailed, error: Self.authFailedMessage)
            return nil
        }
        if token == nil { logger.warning("NVR authenticated by hostname only (its hostname_only_auth flag)") }
        // Redis did not answer the last write: no version can be taken. Refused now (1013, the
        // agent retries with backoff) rather than after a command timeout; sessions already
        // here are kept (docs/reliability.md).
        guard !lifecycle.outbox.isRedisUnreachable else {
            logger.debug("NVR refused: Redis unreachable")
            lifecycle.outbox.noteRefused()
            await connection.close(.unavailable)
            return nil
        }
        let version: Int64
        do {
            version = try await lifecycle.publisher.takeVersion(hostname: hostname, floor: credentials.connectionVersion + 1)
        } catch {
            logger.warning("Could not take a connection version", metadata: ["lookout.redis.error": "\(error)"])
            lifecycle.outbox.noteRefused()
            await connection.close(.unavailable)
            return nil
        }
        return NVRSession(hostname: hostname, sessionID: UUID().uuidString.lowercased(), version: version, now: unixMillis()) { code in
            connection.startClose(code)
        }
    }
}
