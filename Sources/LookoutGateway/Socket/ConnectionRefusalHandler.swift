import NIOCore

/// The whole pipeline of a connection over a cap (``ConnectionLimiter``): it answers
/// `503 {"error":{"code":"too_many_connections",…}}` as soon as the connection is up, whatever
/// the client sent, and closes. The answer is written before the request is read, so the
/// output is shut after it (the client reads the 503, not a reset) and what the client sends
/// is discarded until it closes, or for at most ``linger``.
final class ConnectionRefusalHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let linger = TimeAmount.seconds(2)

    private let refusal: ConnectionLimiter.Refusal

    init(_ refusal: ConnectionLimiter.Refusal) {
        self.refusal = refusal
    }

    static func response(_ refusal: ConnectionLimiter.Refusal) -> String {
        let message =
            switch refusal {
            case .gatewayFull: "this gateway holds as many connections as it may; retry later or elsewhere"
            case .addressFull: "too many open connections from this address; close some first"
            }
        let body = #"{"error":{"code":"too_many_connections","message":"\#(message)"}}"#
        return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        let closeLater = context.eventLoop.scheduleTask(in: Self.linger) { channel.close(promise: nil) }
        channel.closeFuture.whenComplete { _ in closeLater.cancel() }
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: Self.response(refusal))))
            .flatMap { channel.close(mode: .output) }
            .whenFailure { _ in channel.close(promise: nil) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The client closed its side after reading the answer.
        if event as? ChannelEvent == .inputClosed { context.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
