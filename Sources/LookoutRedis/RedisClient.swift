public import Logging
public import NIOCore
public import NIOPosix
public import ServiceLifecycle

/// The Redis client the rest of Lookout uses: one pipelined connection, replaced when it breaks.
///
/// A command sent while Redis is unreachable fails fast with `.connectionFailed` (or
/// `.timeout`); the next command tries to connect again. Commands are never retried silently,
/// since a command whose connection dropped may have run. Blocking commands (`XREADGROUP …
/// BLOCK`) hold the connection's reply queue, so a consumer that blocks uses a client of its own.
///
/// As a `Service` it closes its connection when the service group shuts down; list it before
/// the services that use it so it stops after them.
public final class RedisClient: Sendable, Service {
    public let configuration: RedisConfiguration
    let logger: Logger
    private let keeper: ConnectionKeeper

    public init(
        configuration: RedisConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.configuration = configuration
        self.logger = logger
        self.keeper = ConnectionKeeper(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
    }

    /// Runs until graceful shutdown, then closes the connection.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    public func close() async {
        await keeper.close()
    }

    /// Sends one command; an error reply throws `.server` with its text.
    @discardableResult
    public func send(_ command: RedisCommand) async throws(RedisError) -> RESPValue {
        try await keeper.connection().send(command)
    }

    /// Sends commands in one write, replies in order; error replies stay `.error` values.
    public func pipeline(_ commands: [RedisCommand]) async throws(RedisError) -> [RESPValue] {
        try await keeper.connection().pipeline(commands)
    }

    /// Like `pipeline`, but throws the first error reply.
    public func pipelineChecked(_ commands: [RedisCommand]) async throws(RedisError) -> [RESPValue] {
        let replies = try await pipeline(commands)
        if let message = replies.lazy.compactMap(\.errorMessage).first { throw RedisError(.server, message) }
        return replies
    }

    /// How many times a connection was opened; tests read it to see reconnects.
    public var connectionCount: Int { get async { await keeper.connectCount } }
}

/// Hands out the current connection, opening one when there is none (one attempt at a time).
private actor ConnectionKeeper {
    let configuration: RedisConfiguration
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger
    private var current: RedisConnection?
    private var connecting: Task<RedisConnection, any Error>?
    private var isClosed = false
    private(set) var connectCount = 0

    init(configuration: RedisConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    func connection() async throws(RedisError) -> RedisConnection {
        if isClosed { throw RedisError(.closed, "the Redis client was closed") }
        if let current, current.isActive { return current }
        let task: Task<RedisConnection, any Error>
        if let connecting {
            task = connecting
        } else {
            let (configuration, group, logger) = (self.configuration, self.eventLoopGroup, self.logger)
            task = Task { try await RedisConnection.connect(configuration, eventLoopGroup: group, logger: logger) }
            connecting = task
        }
        do {
            let connection = try await task.value
            if connecting == task {
                connecting = nil
                current = connection
                connectCount += 1
            }
            return connection
        } catch {
            if connecting == task { connecting = nil }
            throw error as? RedisError ?? RedisError(.connectionFailed, "\(error)")
        }
    }

    func close() async {
        isClosed = true
        connecting?.cancel()
        await current?.close()
        current = nil
    }
}
