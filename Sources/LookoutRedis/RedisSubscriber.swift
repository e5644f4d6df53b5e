public import Logging
public import NIOCore
import NIOConcurrencyHelpers
public import NIOPosix
public import ServiceLifecycle

/// A pub/sub subscription that survives Redis restarts.
///
/// `run()` keeps one subscribed connection open: it connects, subscribes to every channel,
/// delivers messages on `events`, pings to notice a silent connection, and after any failure
/// reconnects with backoff and subscribes again. Every (re)subscription is announced with
/// `.subscribed`, since messages published while it was away are lost (that is pub/sub):
/// consumers that must not miss anything catch up from a stream when they see it.
public final class RedisSubscriber: Service, Sendable {
    public enum Event: Sendable, Hashable {
        /// Subscribed (again); anything published before this may have been missed.
        case subscribed(channels: [String])
        case message(channel: String, payload: String)
    }

    public struct Options: Sendable {
        public var backoff = RedisReconnectBackoff()
        /// A PING is sent this often; no answer within the command timeout tears the connection down.
        public var healthCheckInterval: Duration = .seconds(5)
        public init() {}
    }

    /// Delivered in order; finishes when `run()` returns.
    public let events: AsyncStream<Event>
    public let channels: [String]
    let configuration: RedisConfiguration
    let options: Options
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger
    private let continuation: AsyncStream<Event>.Continuation

    public init(
        channels: [String],
        configuration: RedisConfiguration,
        options: Options = .init(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.channels = channels
        self.configuration = configuration
        self.options = options
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(100_000))
    }

    public func run() async throws {
        defer { continuation.finish() }
        await cancelWhenGracefulShutdown {
            var attempt = 0
            while !Task.isCancelled {
                do {
                    try await self.subscribeOnce { attempt = 0 }
                } catch {
                    if Task.isCancelled { break }
                    self.logger.warning("Redis subscription lost", metadata: ["lookout.redis.error": "\(error)"])
                }
                let delay = self.options.backoff.delay(attempt: attempt)
                attempt += 1
                try? await Task.sleep(for: delay)
            }
        }
    }

    /// One connection's life: connect, subscribe, deliver until it breaks.
    private func subscribeOnce(onSubscribed: () -> Void) async throws {
        let channel = try await RedisSubscriberChannel.connect(configuration, eventLoopGroup: eventLoopGroup)
        try await channel.executeThenClose { inbound, outbound in
            var replies = inbound.makeAsyncIterator()
            try await RedisSubscriberChannel.handshake(configuration, replies: &replies, outbound: outbound)
            try await outbound.write(RedisCommandEncoder.encode([RedisCommand("SUBSCRIBE", channels)], allocator: .init()))
            let lastReply = NIOLockedValueBox(ContinuousClock.now)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.healthCheck(outbound: outbound, lastReply: lastReply) }
                while let reply = try await replies.next() {
                    lastReply.withLockedValue { $0 = .now }
                    try self.handle(reply, onSubscribed: onSubscribed)
                }
                throw RedisError(.connectionLost, "subscriber connection closed")
            }
        }
    }

    private func handle(_ reply: RESPValue, onSubscribed: () -> Void) throws {
        guard let parts = reply.array, let kind = parts.first?.string else {
            if let message = reply.errorMessage { throw RedisError(.server, message) }
            throw RedisError(.unexpectedReply, "subscriber: \(reply)")
        }
        switch kind {
        case "message" where parts.count == 3:
            if let channel = parts[1].string, let payload = parts[2].string {
                continuation.yield(.message(channel: channel, payload: payload))
            }
        case "subscribe" where parts.count == 3:
            // One confirmation per channel; announce once all are in.
            if parts[2].int == channels.count {
                onSubscribed()
                logger.info("Redis subscription active", metadata: ["lookout.redis.channels": "\(channels.joined(separator: ","))"])
                continuation.yield(.subscribed(channels: channels))
            }
        default:
            break  // "pong" and other confirmations only prove the connection is alive.
        }
    }

    private func healthCheck(outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, lastReply: NIOLockedValueBox<ContinuousClock.Instant>) async throws {
        let ping = RedisCommandEncoder.encode([RedisCommand("PING")], allocator: .init())
        while true {
            try await Task.sleep(for: options.healthCheckInterval)
            try await outbound.write(ping)
            try await Task.sleep(for: configuration.commandTimeout)
            let silence = ContinuousClock.now - lastReply.withLockedValue { $0 }
            if silence > options.healthCheckInterval + configuration.commandTimeout {
                throw RedisError(.timeout, "subscriber connection silent for \(silence)")
            }
        }
    }
}
