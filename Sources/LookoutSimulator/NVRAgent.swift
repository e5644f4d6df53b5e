import HummingbirdWSClient
public import Logging
import NIOWebSocket
import Synchronization

/// One simulated NVR agent: a WebSocket to the gateway's `/ws`, `auth`, then a heartbeat every
/// interval, as docs/protocol.md describes. Each `run()` is one connection; reconnecting is
/// the caller's business (`NVRFleet` does it).
public struct NVRAgent: Sendable {
    public let hostname: String
    public let token: String?
    public let gatewayURL: String
    /// Replaces the interval `auth_ok` announces.
    public let heartbeatInterval: Duration?
    /// After `auth_ok`, send nothing but keep the socket open: a hung agent.
    public let silent: Bool
    /// Called for every `NVRAgentEvent`, e.g. each heartbeat round trip.
    public let onEvent: (@Sendable (NVRAgentEvent) -> Void)?
    /// How long a stopping agent waits for the gateway to answer its close frame.
    public var closeTimeout: Duration = .seconds(5)
    /// The TCP connect and WebSocket upgrade must be done within this, or the attempt is
    /// abandoned and fails.
    /// Without it an agent whose half-open upgrade the gateway dropped while shutting down (FIN,
    /// no response) waited forever in CLOSE-WAIT: 104 of 3,000 agents in a reconnect storm.
    public var handshakeTimeout: Duration = .seconds(10)
    /// After the upgrade, how much longer `auth_ok` may take before the attempt is abandoned
    /// (a socket the gateway half-closed without a close frame would otherwise wait forever).
    /// Long, because abandoning slow auths in a 19,500-agent storm made it a retry storm.
    public var authReplyTimeout: Duration = .seconds(10)
    /// Where this agent's abandoned attempts are counted while they still hold a socket.
    var lingering = LingeringAttempts.process
    let logger: Logger

    /// - Parameters:
    ///   - gatewayURL: `ws://host:port` (`/ws` is added when there is no path), `wss://…`, or
    ///     `http(s)://…` which is mapped to `ws(s)`.
    ///   - token: `nil` for hostname-only auth (the gateway must allow it).
    ///   - heartbeatInterval: overrides the interval announced in `auth_ok`.
    ///   - silent: stop talking after `auth_ok` (the gateway should close with 4005).
    ///   - onEvent: receives connection events, including each heartbeat's round trip.
    public init(
        hostname: String,
        token: String?,
        gatewayURL: String,
        logger: Logger,
        heartbeatInterval: Duration? = nil,
        silent: Bool = false,
        onEvent: (@Sendable (NVRAgentEvent) -> Void)? = nil
    ) {
        self.hostname = hostname
        self.token = token
        self.gatewayURL = gatewayURL
        self.heartbeatInterval = heartbeatInterval
        self.silent = silent
        self.onEvent = onEvent
        var logger = logger
        logger[metadataKey: "lookout.nvr.hostname"] = "\(hostname)"
        self.logger = logger
    }

    /// Connects, authenticates, heartbeats, and returns when the socket closes, with the close
    /// code and reason the gateway sent. Cancelling the task closes the socket cleanly (1000)
    /// and returns the exit once the gateway answered; cancelling before the socket is open
    /// throws `.cancelled`.
    public func run() async throws(NVRAgentError) -> NVRAgentExit {
        let url = try GatewayURL.webSocketURL(gatewayURL)
        let stop = StopSignal()
        let state = ConnectionState()
        let connection = NVRAgentConnection(
            hostname: hostname, token: token, heartbeatOverride: heartbeatInterval, silent: silent,
            onEvent: onEvent, stop: stop, state: state, closeTimeout: closeTimeout, logger: logger
        )
        let configuration = WebSocketClientConfiguration(
            maxFrameSize: NVRAgentConnection.maximumMessageSize,
            closeTimeout: closeTimeout
        )
        let logger = self.logger
        // Unstructured on purpose: cancelling the WebSocket client's task cuts the socket
        // without a close frame, so cancellation is turned into the stop signal instead.
        let task = Task {
            try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) { inbound, outbound, _ in
                await connection.handle(inbound: inbound, outbound: outbound)
            }
        }
        // The WebSocket client awaits its upgrade on a future that ignores cancellation, so a
        // handshake the gateway never answers is abandoned rather than awaited: the attempt fails
        // now, and the stop signal makes the socket close itself should it ever open.
        let outcome = FirstOutcome<Result<WebSocketCloseFrame?, any Error>>()
        let (handshakeTimeout, authReplyTimeout) = (self.handshakeTimeout, self.authReplyTimeout)
        let lingering = LingeringAttempt(counter: self.lingering)
        let watchdog = Task {
            let abandon = { (reason: String) in
                _ = stop.fire()
                task.cancel()
                lingering.abandon()
                outcome.offer(.failure(NVRAgentError.connectionFailed(url: url, reason: reason)))
            }
            try await Task.sleep(for: handshakeTimeout)
            guard state.opened else { return abandon("no WebSocket upgrade within \(handshakeTimeout)") }
            // Open: a healthy gateway answers `auth` or closes (its own auth timeout is 10 s),
            // but a slow one in a storm may take a while, so this bound is generous.
            try await Task.sleep(for: authReplyTimeout)
            guard state.session == nil else { return }
            abandon("no auth_ok within \(handshakeTimeout + authReplyTimeout)")
        }
        Task {
            let result = await task.result
            lingering.finish()
            outcome.offer(result)
        }
        let result = await withTaskCancellationHandler {
            await outcome.value
        } onCancel: {
            if !stop.fire() {
                task.cancel()
                outcome.offer(.failure(CancellationError()))
            }
        }
        watchdog.cancel()
        switch result {
        case .success(let frame):
            let exit = NVRAgentExit(
                closeCode: frame.map { UInt16(webSocketErrorCode: $0.closeCode) },
                reason: frame?.reason.flatMap { $0.isEmpty ? nil : $0 },
                authenticated: state.session != nil,
                session: state.session
            )
            logger.debug("Connection closed", metadata: ["lookout.ws.close": "\(exit)"])
            return exit
        case .failure(let error):
            if state.opened {
                logger.debug("Connection lost", metadata: ["lookout.error": "\(error)"])
                return NVRAgentExit(closeCode: nil, reason: nil, authenticated: state.session != nil, session: state.session)
            }
            if let error = error as? NVRAgentError { throw error }  // the handshake timed out
            if stop.isRequested { throw .cancelled }
            throw .connectionFailed(url: url, reason: "\(error)")
        }
    }
}

/// Abandoned attempts (see ``NVRAgent/handshakeTimeout``) whose task has not ended yet: each
/// still holds a socket. A fleet near its open-file limit waits for them
/// (``NVRFleet/Options/maxLingeringAttempts``) instead of running out of files, which
/// libdispatch's worker monitor turns into a crash.
final class LingeringAttempts: Sendable {
    /// The count for the whole process, whose open-file limit the sockets share.
    static let process = LingeringAttempts()

    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    func add(_ delta: Int) { count.add(delta, ordering: .relaxed) }
}

/// Counts one attempt in its ``LingeringAttempts`` from its abandonment until its task ends.
private final class LingeringAttempt: Sendable {
    private let counter: LingeringAttempts
    private let state = Mutex<(abandoned: Bool, finished: Bool)>((false, false))

    init(counter: LingeringAttempts) {
        self.counter = counter
    }

    func abandon() {
        let counted = state.withLock { state in
            guard !state.finished, !state.abandoned else { return false }
            state.abandoned = true
            return true
        }
        if counted { counter.add(1) }
    }

    func finish() {
        let counted = state.withLock { state in
            state.finished = true
            return state.abandoned
        }
        if counted { counter.add(-1) }
    }
}
