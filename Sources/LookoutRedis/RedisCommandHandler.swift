import NIOCore

/// What a `RedisConnection` writes into its channel: encoded commands and one promise each.
struct RedisRequest {
    var bytes: ByteBuffer
    var promises: [EventLoopPromise<RESPValue>]
}

/// Fails every command still in flight with `.timeout` and closes the connection: once a reply
/// is late, later replies can no longer be matched to their commands.
struct RedisTimeoutEvent {}

/// Matches replies to commands in order (RESP is strictly FIFO per connection).
///
/// Runs on the channel's event loop. A closed or broken connection fails every pending
/// promise with a typed error, so no caller waits forever.
final class RedisCommandHandler: ChannelDuplexHandler {
    typealias InboundIn = RESPValue
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = ByteBuffer

    private var pending = CircularBuffer<EventLoopPromise<RESPValue>>(initialCapacity: 64)
    private var failure: RedisError?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if let failure {
            request.promises.forEach { $0.fail(failure) }
            promise?.fail(failure)
            return
        }
        pending.append(contentsOf: request.promises)
        context.write(wrapOutboundOut(request.bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let value = unwrapInboundIn(data)
        guard let promise = pending.popFirst() else {
            failAll(RedisError(.protocolError, "reply without a command: \(value)"), context: context)
            return
        }
        promise.succeed(value)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is RedisTimeoutEvent else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        failAll(RedisError(.timeout, "no reply within the command timeout"), context: context)
        promise?.succeed()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let redisError = error as? RedisError ?? RedisError(.connectionLost, "\(error)")
        failAll(redisError, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(RedisError(.connectionLost, "connection closed by the server or the network"), context: context)
        context.fireChannelInactive()
    }

    private func failAll(_ error: RedisError, context: ChannelHandlerContext) {
        if failure == nil { failure = error }
        while let promise = pending.popFirst() { promise.fail(error) }
        context.close(promise: nil)
    }
}
