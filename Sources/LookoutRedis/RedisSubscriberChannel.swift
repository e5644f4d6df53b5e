import NIOCore
import NIOPosix

/// The subscriber's connection: hiredis-decoded replies in, RESP bytes out, as async sequences.
enum RedisSubscriberChannel {
    typealias AsyncChannel = NIOAsyncChannel<RESPValue, ByteBuffer>

    static func connect(_ configuration: RedisConfiguration, eventLoopGroup: any EventLoopGroup) async throws(RedisError) -> AsyncChannel {
        do {
            return try await ClientBootstrap(group: eventLoopGroup)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(.milliseconds(configuration.connectTimeout.milliseconds))
                .connect(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(RedisReplyDecoder()))
                        return try AsyncChannel(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw RedisError(.connectionFailed, "\(configuration.host):\(configuration.port): \(error)")
        }
    }

    /// AUTH and SELECT, answered in order before anything else is sent.
    static func handshake(
        _ configuration: RedisConfiguration,
        replies: inout NIOAsyncChannelInboundStream<RESPValue>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws {
        guard let password = configuration.password else { return }
        let auth = RedisCommand("AUTH", [configuration.username, password].compactMap { $0 })
        try await outbound.write(RedisCommandEncoder.encode([auth], allocator: .init()))
        guard let reply = try await replies.next() else { throw RedisError(.connectionLost, "closed during AUTH") }
        if let message = reply.errorMessage { throw RedisError(.connectionFailed, "AUTH: \(message)") }
    }
}
