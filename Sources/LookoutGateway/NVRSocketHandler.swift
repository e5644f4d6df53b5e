import Foundation
import HummingbirdWebSocket
import Logging
import LookoutCore
import LookoutRedis
import LookoutStore

/// An NVR agent's connection after its `auth` message: ``admit`` (authenticate, announce), then
/// ``serve`` (heartbeats until the socket ends, then announce the end). See docs/protocol.md.
struct NVRSocketHandler: Sendable {
    let configuration: GatewayConfiguration
    let nvrs: PostgresNVRRepository
    let lifecycle: NVRSessionLifecycle

    /// An NVR that authenticated and was announced, with its connection's logger.
    struct Admitted: Sendable {
        let session: NVRSession
        let logger: Logger
    }

    /// Authenticates, announces the session and sends `auth_ok`; nil after closing the socket.
    func admit(hostname: String, token: String?, connection: WebSocketConnection, logger baseLogger: Logger) async throws
        -> Admitted?
    {
        var logger = baseLogger
        logger[metadataKey: "lookout.nvr.hostname"] = "\(hostname)"
        guard !lifecycle.registry.isDraining else {
            await connection.close(.goingAway)
            return nil
        }
        guard let session = try await authenticate(hostname: hostname, token: token, connection: connection, logger: logger) else { return nil }
        logger[metadataKey: "lookout.nvr.session"] = "\(session.sessionID)"
        logger[metadataKey: "lookout.nvr.version"] = "\(session.currentVersion)"
        // Shutdown may have begun while this one authenticated.
        guard !lifecycle.registry.isDraining else {
            await connection.close(.goingAway)
            return nil
        }
        do {
            try await lifecycle.start(session, logger: logger)
        } catch {
            logger.warning("Could not announce NVR connection", metadata: ["lookout.redis.error": "\(error)"])
            lifecycle.registry.unregister(session)
            _ = session.claimDisconnect()
            await connection.close(.unavailable)
            return nil
        }
        try? await connection.send(.authOK(session: session.sessionID, heartbeatInterval: configuration.heartbeatSeconds))
        logger.info("NVR connected")
        return Admitted(session: session, logger: logger)
    }

    /// Heartbeats until the socket ends, then announces the end.
    func serve(_ admitted: Admitted, messages: inout WebSocketInboundMessageStream.AsyncIterator, connection: WebSocketConnection) async throws {
        do {
            try await heartbeats(admitted.session, messages: &messages, connection: connection)
        } catch {
            await lifecycle.end(admitted.session, logger: admitted.logger)
            throw error
        }
        await lifecycle.end(admitted.session, logger: admitted.logger)
    }

    private func heartbeats(
        _ session: NVRSession, messages: inout WebSocketInboundMessageStream.AsyncIterator, connection: WebSocketConnection
    ) async throws {
        var errors = 0
        while let message = try await messages.next() {
            guard case .text(let text) = message else { return await session.close(.unsupportedData) }
            let now = unixMillis()
            lifecycle.registry.touch(session, at: now)
            do {
                switch try ClientMessage.decode(text) {
                case .heartbeat:
                    errors = 0
                    try await connection.send(.heartbeatAck(serverTime: now))
                case .auth, .dashboard:
                    return await session.close(.protocolViolation)
                }
            } catch let error as ProtocolError {
                errors += 1
                if errors >= configuration.maxConsecutiveErrors { return await session.close(.tooManyErrors) }
                try await connection.send(.error(code: error.code.rawValue, message: error.message))
            }
        }
    }

    /// Checks the token and takes a connection version; nil after rejecting the connection.
    private func authenticate(hostname: String, token: String?, connection: WebSocketConnection, logger: Logger) async throws -> NVRSession? {
        let credentials: NVRCredentials?
        do {
            credentials = try await nvrs.credentials(hostname: hostname)
        } catch {
            logger.error("Could not look up NVR", metadata: ["lookout.error": "\(error)"])
            await connection.close(.unavailable)
            return nil
        }
        guard let credentials else {
            logger.warning("NVR authentication failed: unknown hostname")
            await connection.reject(.authFailed, error: "unknown hostname")
            return nil
        }
        switch (token, credentials.tokenHash) {
        case (let token?, let hash?) where SecretHash.sha256Hex(token) == hash:
            break
        case (nil, nil) where configuration.allowHostnameOnlyAuth:
            logger.warning("NVR authenticated by hostname only (LOOKOUT_ALLOW_HOSTNAME_ONLY_AUTH)")
        case (nil, _):
            logger.warning("NVR authentication failed: no token")
            await connection.reject(.authFailed, error: "token required")
            return nil
        default:
            logger.warning("NVR authentication failed: wrong token")
            await connection.reject(.authFailed, error: "invalid token")
            return nil
        }
        let version: Int64
        do {
            version = try await lifecycle.publisher.takeVersion(hostname: hostname, floor: credentials.connectionVersion + 1)
        } catch {
            logger.warning("Could not take a connection version", metadata: ["lookout.redis.error": "\(error)"])
            await connection.close(.unavailable)
            return nil
        }
        return NVRSession(hostname: hostname, sessionID: UUID().uuidString.lowercased(), version: version, now: unixMillis()) { code in
            await connection.close(code)
        }
    }
}
