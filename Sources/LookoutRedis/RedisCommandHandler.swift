import NIOCore

/// What a `RedisConnection` writes into its channel: encoded commands, how many, and one
/// promise for all their replies (a pipeline of 10,000 is one promise, not 10,000).
struct RedisRequest {
    var bytes: ByteBuffer
    var count: Int
    var promise: EventLoopPromise<[RESPValue]>
}

/// A request whose replies are still arriving.
private struct PendingBatch {
    let count: Int
    let promise: EventLoopPromise<[RESPValue]>
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

    private var pending = CircularBuffer<PendingBatch>(initialCapacity: 64)
    /// Replies collected so far for the oldest pending batch (kept apart so appends stay O(1)).
    private var headReplies: [RESPValue] = []
    private var failure: RedisError?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if let failure {
            request.promise.fail(failure)
            promise?.fail(failure)
            return
        }
        pending.append(PendingBatch(count: request.count, promise: request.promise))
        context.write(wrapOutboundOut(request.bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let value = unwrapInboundIn(data)
        guard !pending.isEmpty else {
            failAll(RedisError(.protocolError, "reply without a command: \(value)"), context: context)
            return
        }
        let head = pending[pending.startIndex]
        if headReplies.isEmpty { headReplies.reserveCapacity(head.count) }
        headReplies.append(value)
        if headReplies.count == head.count {
            pending.removeFirst()
            let replies = headReplies
            headReplies = []
            head.promise.succeed(replies)
        }
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
        headReplies = []
        while let batch = pending.popFirst() { batch.promise.fail(error) }
        context.close(promise: nil)
    }
}
