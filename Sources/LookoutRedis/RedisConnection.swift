public import Logging
public import NIOCore
public import NIOPosix
import Synchronization

/// One TCP connection to Redis. Commands from any task are pipelined on it: each is written
/// at once and its reply is matched in order, so many callers share one round trip.
///
/// All I/O runs on a SwiftNIO event loop; callers only await futures, so a slow or blocking
/// command never occupies a thread of Swift's cooperative pool.
public final class RedisConnection: Sendable {
    let channel: any Channel
    let configuration: RedisConfiguration
    /// Writes (flushes) issued; a pipeline is one. Tests read it to see batching.
    let writes = Atomic<Int>(0)
    /// Set when a command failed in a way that leaves the connection unusable (a timeout, a lost
    /// connection, bad bytes): the channel may still be closing, but no command may use it.
    private let broken = Atomic(false)

    private init(channel: any Channel, configuration: RedisConfiguration) {
        self.channel = channel
        self.configuration = configuration
    }

    /// Connects, then authenticates and selects the database from the configuration.
    public static func connect(
        _ configuration: RedisConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) async throws(RedisError) -> RedisConnection {
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: eventLoopGroup)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(.milliseconds(configuration.connectTimeout.milliseconds))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(RedisReplyDecoder()))
                        try channel.pipeline.syncOperations.addHandler(RedisCommandHandler())
                    }
                }
                .connect(host: configuration.host, port: configuration.port)
                .get()
        } catch {
            throw RedisError(.connectionFailed, "\(configuration.host):\(configuration.port): \(error)")
        }
        let connection = RedisConnection(channel: channel, configuration: configuration)
        do {
            try await connection.handshake()
        } catch {
            await connection.close()
            throw RedisError(.connectionFailed, "handshake with \(configuration.host):\(configuration.port) failed: \(error.message)")
        }
        logger.debug("Redis connection established", metadata: ["lookout.redis.address": "\(configuration.host):\(configuration.port)"])
        return connection
    }

    private func handshake() async throws(RedisError) {
        var commands: [RedisCommand] = []
        if let password = configuration.password {
            commands.append(RedisCommand("AUTH", [configuration.username, password].compactMap { $0 }))
        }
        if configuration.database != 0 {
            commands.append(RedisCommand("SELECT", [String(configuration.database)]))
        }
        guard !commands.isEmpty else { return }
        for reply in try await pipeline(commands) {
            if let message = reply.errorMessage { throw RedisError(.server, message) }
        }
    }

    public var isActive: Bool { channel.isActive && !broken.load(ordering: .relaxed) }

    /// Sends one command. An error reply throws `RedisError` with code `.server`.
    @discardableResult
    public func send(_ command: RedisCommand) async throws(RedisError) -> RESPValue {
        let reply = try await pipeline([command])[0]
        if let message = reply.errorMessage { throw RedisError(.server, message) }
        return reply
    }

    /// Sends all commands in one write and waits for all replies: one round trip.
    /// Error replies stay in the result as `.error` values, in command order.
    public func pipeline(_ commands: [RedisCommand]) async throws(RedisError) -> [RESPValue] {
        guard !commands.isEmpty else { return [] }
        let eventLoop = channel.eventLoop
        let promise = eventLoop.makePromise(of: [RESPValue].self)
        let bytes = RedisCommandEncoder.encode(commands, allocator: channel.allocator)
        let timeout = configuration.commandTimeout + (commands.compactMap(\.blockingDuration).max() ?? .zero)
        let channel = self.channel
        let timeoutTask = eventLoop.scheduleTask(in: .milliseconds(timeout.milliseconds)) {
            // The handler fails every command in flight and closes; failing this promise too
            // covers a channel whose pipeline is already gone (a second completion is ignored).
            channel.triggerUserOutboundEvent(RedisTimeoutEvent(), promise: nil)
            promise.fail(RedisError(.timeout, "no reply within the command timeout"))
        }
        promise.futureResult.whenComplete { _ in timeoutTask.cancel() }
        writes.add(1, ordering: .relaxed)
        // On a channel that closed after `isActive` was read, the write never reaches
        // `RedisCommandHandler` (NIO removes the handlers of a closed channel) and fails
        // here: that failure must reach the caller, or it would wait forever.
        let written = eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { error in
            promise.fail(error as? RedisError ?? RedisError(.connectionLost, "write failed: \(error)"))
        }
        channel.writeAndFlush(RedisRequest(bytes: bytes, count: commands.count, promise: promise), promise: written)
        do {
            return try await promise.futureResult.get()
        } catch let error as RedisError {
            broken.store(true, ordering: .relaxed)
            throw error
        } catch {
            broken.store(true, ordering: .relaxed)
            throw RedisError(.connectionLost, "\(error)")
        }
    }

    public func close() async {
        try? await channel.close()
    }
}
