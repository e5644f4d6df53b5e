import Logging
import LookoutCore
import NIOCore

/// The gateway's side of one `/ws` socket, on its event loop, above ``WebSocketTextHandler``.
/// The first message makes the socket an NVR agent or a dashboard (docs/protocol.md):
///
/// - an NVR is admitted in a short task (``NVRSocketHandler/admit``: PostgreSQL, Redis); after
///   that its heartbeats are answered here, on the event loop, with no task while it is idle:
///   the thousands of NVR sockets are what the gateway's memory is made of;
/// - a dashboard runs as a task (``DashboardSocketHandler``), which gets its messages from here.
///
/// When the socket ends, an NVR's session ends (a task publishes `disconnected`).
final class GatewaySocketHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = String
    typealias OutboundOut = String

    private enum Role {
        /// Before the first valid message, with the invalid ones so far.
        case introducing(errors: Int)
        /// `auth` arrived and is being checked; reading is paused, and what was already read
        /// waits in `pending`. `ended` once the socket ended meanwhile.
        case admitting(pending: [String], ended: Bool)
        case nvr(NVRSocketHandler.Admitted, errors: Int)
        /// An NVR the gateway is closing (its messages, or it does not read): nothing more is
        /// read, and the socket's end ends its session.
        case closingNVR(NVRSocketHandler.Admitted)
        case dashboard(AsyncStream<String>.Continuation)
        case ended
    }

    private let services: GatewaySocketServices
    /// Whom failed authentications count against (``ClientAddress``).
    private let clientAddress: String
    private let logger: Logger
    private var role = Role.introducing(errors: 0)
    private var authTimer: Scheduled<Void>?

    init(services: GatewaySocketServices, clientAddress: String, logger: Logger) {
        self.services = services
        self.clientAddress = clientAddress
        self.logger = logger
    }

    private var configuration: GatewayConfiguration { services.configuration }

    func handlerAdded(context: ChannelHandlerContext) {
        let loopBound = context.loopBound
        authTimer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(configuration.authTimeout)) { [self] in
            guard case .introducing = role else { return }
            role = .ended
            close(.authTimeout, context: loopBound.value)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let text = unwrapInboundIn(data)
        switch role {
        case .introducing(let errors):
            introduce(text, errors: errors, context: context)
        case .admitting(var pending, let ended):
            pending.append(text)
            role = .admitting(pending: pending, ended: ended)
        case .nvr(let admitted, let errors):
            nvrMessage(text, admitted: admitted, errors: errors, context: context)
        case .dashboard(let messages):
            messages.yield(text)
        case .closingNVR, .ended:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        authTimer?.cancel()
        switch role {
        case .admitting(let pending, _):
            role = .admitting(pending: pending, ended: true)
        case .nvr(let admitted, _), .closingNVR(let admitted):
            role = .ended
            end(admitted)
        case .dashboard(let messages):
            role = .ended
            messages.finish()
        case .introducing, .ended:
            role = .ended
        }
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The server is shutting down: sockets the drain did not reach (still introducing,
        // admitting, or a dashboard) are told to reconnect elsewhere too.
        guard event is ChannelShouldQuiesceEvent else { return context.fireUserInboundEventTriggered(event) }
        switch role {
        case .nvr(let admitted, _): closeNVR(admitted, .goingAway, context: context)
        case .closingNVR: break
        default: close(.serviceRestart, context: context)
        }
    }

    // MARK: The first message

    private func introduce(_ text: String, errors: Int, context: ChannelHandlerContext) {
        let message: ClientMessage
        do {
            message = try ClientMessage.decode(text)
        } catch {
            guard let errors = invalid(error, after: errors, context: context) else {
                role = .ended
                return close(.tooManyErrors, context: context)
            }
            role = .introducing(errors: errors)
            return
        }
        switch message {
        case .heartbeat:
            role = .ended
            close(.notAuthenticated, context: context)
        case .auth, .dashboard:
            authTimer?.cancel()
            if let seconds = services.failedAuth.retryAfter(clientAddress) {
                role = .ended
                return refuseLimited(retryAfter: seconds, context: context)
            }
            authenticate(message, context: context)
        }
    }

    /// `auth` or `dashboard`, from an address not over the failed-auth limit.
    private func authenticate(_ message: ClientMessage, context: ChannelHandlerContext) {
        switch message {
        case .heartbeat:
            break
        case .auth(let hostname, let token):
            // The client's part is done: what follows is ours (PostgreSQL, Redis), and a burst
            // of reconnects must not time out in our queue and come back as a retry storm.
            authTimer?.cancel()
            role = .admitting(pending: [], ended: false)
            admit(hostname: hostname, token: token, context: context)
        case .dashboard(let token, let lastSeq, let epoch):
            let (messages, continuation) = AsyncStream.makeStream(
                of: String.self, bufferingPolicy: .bufferingOldest(configuration.maxConsecutiveErrors))
            role = .dashboard(continuation)
            if let interval = configuration.pingInterval {
                context.triggerUserOutboundEvent(WebSocketTextHandler.StartPinging(interval: TimeAmount(interval)), promise: nil)
            }
            let connection = WebSocketConnection(channel: context.channel)
            let (dashboards, logger, address) = (services.dashboards, logger, clientAddress)
            Task {
                do {
                    try await dashboards.run(
                        token: token, lastSeq: lastSeq, epoch: epoch, messages: messages, connection: connection, clientAddress: address, logger: logger)
                } catch {
                    logger.debug("Dashboard socket ended", metadata: ["lookout.error": "\(error)"])
                }
                await connection.finish()
            }
        }
    }

    // MARK: NVR

    /// Authenticates and announces in a task; reading waits until it is done.
    private func admit(hostname: String, token: String?, context: ChannelHandlerContext) {
        context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
        let connection = WebSocketConnection(channel: context.channel)
        let (nvrs, logger, address) = (services.nvrs, logger, clientAddress)
        let eventLoop = context.eventLoop
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        let loopBoundContext = context.loopBound
        Task {
            let admitted = await nvrs.admit(hostname: hostname, token: token, connection: connection, clientAddress: address, logger: logger)
            eventLoop.execute {
                handler.value.admissionEnded(admitted, context: loopBoundContext.value)
            }
        }
    }

    private func admissionEnded(_ admitted: NVRSocketHandler.Admitted?, context: ChannelHandlerContext) {
        guard case .admitting(let pending, let ended) = role else { return }
        guard let admitted else {
            // Rejected: the socket is closing already.
            role = .ended
            return
        }
        guard !ended else {
            role = .ended
            return end(admitted)
        }
        role = .nvr(admitted, errors: 0)
        for text in pending {
            guard case .nvr(let admitted, let errors) = role else { break }
            nvrMessage(text, admitted: admitted, errors: errors, context: context)
        }
        context.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
    }

    private func nvrMessage(_ text: String, admitted: NVRSocketHandler.Admitted, errors: Int, context: ChannelHandlerContext) {
        let now = unixMillis()
        services.nvrs.lifecycle.registry.touch(admitted.session, at: now)
        do {
            switch try ClientMessage.decode(text) {
            case .heartbeat:
                role = .nvr(admitted, errors: 0)
                send(.heartbeatAck(serverTime: now), context: context)
            case .auth, .dashboard:
                closeNVR(admitted, .protocolViolation, context: context)
            }
        } catch {
            guard let errors = invalid(error, after: errors, context: context) else {
                return closeNVR(admitted, .tooManyErrors, context: context)
            }
            // Unless the error reply found it not reading, and it is closing already.
            if case .nvr = role { role = .nvr(admitted, errors: errors) }
        }
    }

    /// The socket ended: a task announces the session's end.
    private func end(_ admitted: NVRSocketHandler.Admitted) {
        let lifecycle = services.nvrs.lifecycle
        Task { await lifecycle.end(admitted.session, logger: admitted.logger) }
    }

    /// Closes an NVR's socket, recording why (the `disconnected` event's reason). The role
    /// stays an NVR's (``Role/closingNVR``): the socket's end (channelInactive) ends its session
    /// and publishes `disconnected`, as for every other NVR socket that ends.
    private func closeNVR(_ admitted: NVRSocketHandler.Admitted, _ code: CloseCode, context: ChannelHandlerContext) {
        role = .closingNVR(admitted)
        if admitted.session.claimClose(code) { close(code, context: context) }
    }

    // MARK: Writing

    /// One more invalid message in a row: answered with an error, and the new count returned;
    /// nil when it is one too many (the caller closes with 4008).
    private func invalid(_ error: ProtocolError, after errors: Int, context: ChannelHandlerContext) -> Int? {
        let errors = errors + 1
        guard errors < configuration.maxConsecutiveErrors else { return nil }
        send(.error(code: error.code.rawValue, message: error.message), context: context)
        return errors
    }

    /// A reply of the gateway's own (`heartbeat_ack`, `error`). A peer that leaves them unread
    /// until the socket's outbound buffer is over its high-water mark (64 KiB) is closed with
    /// 4009 instead: what it does not read must not pile up in the gateway's memory.
    private func send(_ message: ServerMessage, context: ChannelHandlerContext) {
        guard context.channel.isWritable else {
            logger.notice("Closing a socket that does not read its replies")
            // An NVR's session ends with the socket (channelInactive).
            if case .nvr(let admitted, _) = role { return closeNVR(admitted, .tooSlow, context: context) }
            if case .closingNVR = role { return }
            role = .ended
            return close(.tooSlow, context: context)
        }
        context.writeAndFlush(wrapOutboundOut(message.json), promise: nil)
    }

    /// The address is over the failed-auth limit: told so, and closed, without a database query.
    private func refuseLimited(retryAfter seconds: Int, context: ChannelHandlerContext) {
        // Debug: the refusals are the flood; the failures that caused them were logged.
        logger.debug("Authentication refused: too many failures", metadata: ["lookout.ws.client": "\(clientAddress)"])
        let refusal = ServerMessage.authError(
            code: String(CloseCode.authRateLimited.rawValue), error: "too many failed authentications from this address; retry in \(seconds) s")
        context.writeAndFlush(wrapOutboundOut(refusal.json), promise: nil)
        close(.authRateLimited, context: context)
    }

    private func close(_ code: CloseCode, context: ChannelHandlerContext) {
        context.triggerUserOutboundEvent(WebSocketTextHandler.Close(code), promise: nil)
    }
}
