import HummingbirdWSClient
import LookoutCore
import Logging
import NIOWebSocket

/// The life of one open WebSocket of an agent: send `auth`, read what the gateway sends,
/// heartbeat once authenticated, and close with 1000 when the stop signal fires.
struct NVRAgentConnection: Sendable {
    let hostname: String
    let token: String?
    let heartbeatOverride: Duration?
    let silent: Bool
    let onEvent: (@Sendable (NVRAgentEvent) -> Void)?
    let stop: StopSignal
    let state: ConnectionState
    let closeTimeout: Duration
    let logger: Logger

    /// The largest message the gateway sends (`LOOKOUT_WS_MAX_MESSAGE` default).
    static let maximumMessageSize = 64 * 1024

    private enum TaskEnd: Sendable {
        case inboundEnded, heartbeatsEnded, stopRequested, closeTimedOut
    }

    /// The `WebSocketClient` handler. Returns when the gateway closed the socket (or did not
    /// answer our close within `closeTimeout`); the client then completes the close handshake.
    func handle(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        state.markOpened()
        guard stop.connectionOpened() else {
            try? await outbound.close(.normalClosure, reason: "agent stopping")
            return await read(inbound, intervals: nil)
        }
        onEvent?(.connected)
        do {
            try await outbound.write(.text(NVRAgentMessage.auth(hostname: hostname, token: token)))
        } catch {
            logger.debug("Sending auth failed", metadata: ["lookout.error": "\(error)"])
        }
        let (intervals, intervalContinuation) = AsyncStream<Duration>.makeStream()
        await withTaskGroup(of: TaskEnd.self) { group in
            group.addTask {
                await read(inbound, intervals: intervalContinuation)
                return .inboundEnded
            }
            group.addTask {
                await sendHeartbeats(outbound, intervals: intervals)
                return .heartbeatsEnded
            }
            group.addTask {
                await stop.wait()
                return .stopRequested
            }
            while let end = await group.next() {
                switch end {
                case .heartbeatsEnded:
                    continue
                case .stopRequested:
                    logger.debug("Closing the connection")
                    try? await outbound.close(.normalClosure, reason: "agent stopping")
                    group.addTask {
                        try? await Task.sleep(for: closeTimeout)
                        return .closeTimedOut
                    }
                case .inboundEnded, .closeTimedOut:
                    group.cancelAll()
                    return
                }
            }
        }
    }

    /// Reads until the gateway closes; hands the heartbeat interval over on `auth_ok`.
    private func read(_ inbound: WebSocketInboundStream, intervals: AsyncStream<Duration>.Continuation?) async {
        defer { intervals?.finish() }
        do {
            for try await message in inbound.messages(maxSize: Self.maximumMessageSize) {
                guard case .text(let text) = message else { continue }
                handle(text, intervals: intervals)
            }
        } catch {
            logger.debug("Reading from the gateway failed", metadata: ["lookout.error": "\(error)"])
        }
    }

    private func handle(_ text: String, intervals: AsyncStream<Duration>.Continuation?) {
        switch NVRAgentMessage.decodeServerMessage(text) {
        case .authOK(let session, let announced):
            let interval = heartbeatOverride ?? .seconds(announced > 0 ? announced : 10)
            state.authenticated(session: session)
            logger.debug("Authenticated", metadata: ["lookout.nvr.session": "\(session)", "lookout.nvr.heartbeat_interval": "\(interval)"])
            onEvent?(.authenticated(session: session, heartbeatInterval: interval))
            intervals?.yield(interval)
            intervals?.finish()
        case .heartbeatAck(let serverTime):
            if let roundTrip = state.heartbeatAcknowledged(at: .now) {
                onEvent?(.heartbeatAcknowledged(roundTrip: roundTrip, serverTime: serverTime))
            }
        case .authError(let code, let error):
            logger.warning("Authentication rejected", metadata: ["lookout.ws.error.code": "\(code)", "lookout.ws.error.message": "\(error)"])
            onEvent?(.authRejected(code: code, error: error))
        case .error(let code, let message):
            logger.warning("Gateway reported an error", metadata: ["lookout.ws.error.code": "\(code)", "lookout.ws.error.message": "\(message)"])
            onEvent?(.gatewayError(code: code, message: message))
        case .snapshot, .notification:
            logger.debug("Ignoring a message agents do not handle", metadata: ["lookout.ws.message": "\(text.prefix(200))"])
        case nil:
            logger.warning("Unreadable message from the gateway", metadata: ["lookout.ws.message": "\(text.prefix(200))"])
        }
    }

    /// After `auth_ok`: one heartbeat per interval, on a fixed schedule, until cancelled or a
    /// write fails. Sends nothing when `silent`.
    private func sendHeartbeats(_ outbound: WebSocketOutboundWriter, intervals: AsyncStream<Duration>) async {
        var iterator = intervals.makeAsyncIterator()
        guard let interval = await iterator.next(), !silent else { return }
        let clock = ContinuousClock()
        var deadline = clock.now + interval
        while true {
            do {
                try await Task.sleep(until: deadline, clock: clock)
                state.heartbeatSent(at: clock.now)
                try await outbound.write(.text(NVRAgentMessage.heartbeat))
            } catch {
                return
            }
            deadline += interval
            if deadline < clock.now { deadline = clock.now + interval }
        }
    }
}
