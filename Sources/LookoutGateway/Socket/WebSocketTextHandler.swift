import LookoutCore
import NIOCore
import NIOWebSocket

/// The WebSocket layer of one server socket, on its event loop: frames in, whole text messages
/// (`String`) up the pipeline; text messages (`String`) written down it go out as text frames.
/// It answers pings, assembles fragments, enforces the size limit and UTF-8, runs the close
/// handshake with a timeout, and pings the peer when asked to (``StartPinging``).
///
/// Why not Hummingbird's WebSocket handler (WSCore): that one runs every connection as a chain
/// of Swift tasks, and a task keeps the stack it needed at its deepest for as long as the socket
/// is open: 41 KB per idle NVR socket, against a 25 KB budget. A channel handler costs nothing
/// while idle (docs/benchmarks.md, gateway memory). The frame codec, the frame size limit and
/// the 1002/1009 answers to broken frames stay NIO's (`NIOTypedWebSocketServerUpgrader`).
///
/// Close codes it sends on its own: 1003 binary frame, 1007 text that is not UTF-8, 1009 a
/// fragmented message over the limit, 1002 a broken fragment sequence or control frame,
/// 1001 a ping left unanswered for a whole interval. Pings are not answered while the socket's
/// outbound buffer is over its high-water mark: a peer that does not read cannot grow it.
final class WebSocketTextHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = String
    typealias OutboundIn = String
    typealias OutboundOut = WebSocketFrame

    /// A user outbound event: send a close frame with `code` and wait for the peer's (at most
    /// the close timeout), then close the socket. Writes after it fail.
    struct Close: Sendable {
        let code: UInt16
        let reason: String

        /// One of Lookout's close codes, with its reason text.
        init(_ code: CloseCode) {
            self.init(code: code.rawValue, reason: code.reason)
        }

        init(code: UInt16, reason: String) {
            self.code = code
            self.reason = reason
        }
    }

    /// A user outbound event: ping the peer every `interval`; a ping still unanswered at the
    /// next one closes the socket with 1001.
    struct StartPinging: Sendable {
        let interval: TimeAmount
    }

    /// Raised for writes after the close handshake began.
    struct ClosingError: Error {}

    private enum State {
        case open
        /// Our close frame is out; waiting for the peer's.
        case closing
        case closed
    }

    private let maxMessageSize: Int
    private let closeTimeout: TimeAmount
    private var state = State.open
    /// The first frames of a fragmented text message.
    private var fragments: ByteBuffer?
    private var closeTimer: Scheduled<Void>?
    private var pinging: (interval: TimeAmount, timer: Scheduled<Void>?, unanswered: UInt64?, sent: UInt64)?

    init(maxMessageSize: Int, closeTimeout: TimeAmount) {
        self.maxMessageSize = maxMessageSize
        self.closeTimeout = closeTimeout
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .connectionClose:
            receivedClose(frame, context: context)
        case .ping:
            guard case .open = state else { return }
            guard frame.fin else { return close(code: .protocolError, context: context) }
            // A peer that leaves our writes unread past the outbound buffer's high-water mark
            // (64 KiB) gets no more pongs: each would stay in memory until it reads (RFC 6455
            // allows answering only the latest ping). Its other replies close it (4009).
            guard context.channel.isWritable else { return }
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .pong:
            var data = frame.unmaskedData
            if let unanswered = pinging?.unanswered, data.readInteger(as: UInt64.self) == unanswered {
                pinging?.unanswered = nil
            }
        case .text, .continuation:
            guard case .open = state else { return }
            receivedText(frame, context: context)
        case .binary:
            guard case .open = state else { return }
            close(code: .unacceptableData, reason: CloseCode.unsupportedData.reason, context: context)
        default:
            close(code: .protocolError, context: context)
        }
    }

    private func receivedText(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        var message: ByteBuffer
        switch (frame.opcode, fragments) {
        case (.text, nil):
            message = frame.unmaskedData
        case (.continuation, .some(let first)):
            message = first
            var more = frame.unmaskedData
            guard message.readableBytes + more.readableBytes <= maxMessageSize else {
                return close(code: .messageTooLarge, reason: CloseCode.messageTooBig.reason, context: context)
            }
            message.writeBuffer(&more)
        default:
            // A continuation with nothing to continue, or a new message inside a fragmented one.
            return close(code: .protocolError, context: context)
        }
        guard frame.fin else {
            fragments = message
            return
        }
        fragments = nil
        guard let text = String(validating: message.readableBytesView, as: UTF8.self) else {
            return close(code: .dataInconsistentWithMessage, reason: "text is not UTF-8", context: context)
        }
        context.fireChannelRead(wrapInboundOut(text))
    }

    private func receivedClose(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        switch state {
        case .open:
            // Echo the peer's code (RFC 6455, 5.5.1), then end the connection: the server closes
            // TCP first.
            state = .closed
            var data = frame.unmaskedData
            var echo = context.channel.allocator.buffer(capacity: 2)
            if let code = data.readInteger(as: UInt16.self) { echo.writeInteger(code) }
            let loopBound = context.loopBound
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: echo)))
                .assumeIsolatedUnsafeUnchecked()
                .whenComplete { _ in loopBound.value.close(promise: nil) }
        case .closing:
            state = .closed
            context.close(promise: nil)
        case .closed:
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // NIO's WebSocketProtocolErrorHandler already answered a broken frame with a close frame
        // and is closing the socket; anything else (a reset, a read error) ends it too.
        state = .closed
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        state = .closed
        closeTimer?.cancel()
        pinging?.timer?.cancel()
        pinging = nil
        context.fireChannelInactive()
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .open = state else {
            promise?.fail(ClosingError())
            return
        }
        let text = unwrapOutboundIn(data)
        let frame = WebSocketFrame(fin: true, opcode: .text, data: context.channel.allocator.buffer(string: text))
        context.write(wrapOutboundOut(frame), promise: promise)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        switch event {
        case let close as Close:
            self.close(code: WebSocketErrorCode(codeNumber: Int(close.code)), reason: close.reason, context: context)
            promise?.succeed()
        case let start as StartPinging:
            pinging = (start.interval, nil, nil, 0)
            schedulePing(context: context)
            promise?.succeed()
        default:
            context.triggerUserOutboundEvent(event, promise: promise)
        }
    }

    // MARK: Closing

    /// Starts the close handshake: our close frame now, the socket closed when the peer answers
    /// or after the close timeout, whichever is first.
    private func close(code: WebSocketErrorCode, reason: String = "", context: ChannelHandlerContext) {
        guard case .open = state else { return }
        state = .closing
        fragments = nil
        pinging?.timer?.cancel()
        var data = context.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
        data.write(webSocketErrorCode: code)
        data.writeString(reason)
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)), promise: nil)
        let loopBound = context.loopBound
        closeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: closeTimeout) {
            loopBound.value.close(promise: nil)
        }
    }

    // MARK: Pinging

    private func schedulePing(context: ChannelHandlerContext) {
        guard let interval = pinging?.interval else { return }
        let loopBound = context.loopBound
        pinging?.timer = context.eventLoop.assumeIsolated().scheduleTask(in: interval) { [self] in
            ping(context: loopBound.value)
        }
    }

    private func ping(context: ChannelHandlerContext) {
        guard case .open = state, let current = pinging else { return }
        if current.unanswered != nil {
            close(code: .goingAway, reason: "ping timeout", context: context)
            context.close(promise: nil)
            return
        }
        let payload = current.sent &+ 1
        pinging?.sent = payload
        pinging?.unanswered = payload
        var data = context.channel.allocator.buffer(capacity: 8)
        data.writeInteger(payload)
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .ping, data: data)), promise: nil)
        schedulePing(context: context)
    }
}
