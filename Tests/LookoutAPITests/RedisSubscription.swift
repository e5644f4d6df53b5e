import Logging
import LookoutRedis
import LookoutTestSupport

/// Listens on one pub/sub channel for a test: `next()` returns the next message or nil after
/// a time limit.
final class RedisSubscription: Sendable {
    private let subscriber: RedisSubscriber
    private let task: Task<Void, any Error>
    private let messages: AsyncStream<String>
    private let subscribed: AsyncStream<Void>

    init(channel: String) throws {
        var logger = Logger(label: "lookout.test.subscription")
        logger.logLevel = .critical
        let configuration = try RedisConfiguration(url: TestEnvironment.redisURL)
        let subscriber = RedisSubscriber(channels: [channel], configuration: configuration, logger: logger)
        self.subscriber = subscriber
        let (messages, messageContinuation) = AsyncStream.makeStream(of: String.self)
        let (subscribed, subscribedContinuation) = AsyncStream.makeStream(of: Void.self)
        self.messages = messages
        self.subscribed = subscribed
        task = Task {
            await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await subscriber.run() }
                for await event in subscriber.events {
                    switch event {
                    case .subscribed: subscribedContinuation.yield()
                    case .message(_, let payload): messageContinuation.yield(payload)
                    }
                }
            }
        }
    }

    deinit { task.cancel() }

    func waitUntilSubscribed() async throws {
        let subscribed = self.subscribed
        let ok = try await withTimeLimit(.seconds(5)) { () async -> Bool in
            for await _ in subscribed { return true }
            return false
        }
        guard ok else { throw SubscriptionEnded() }
    }

    func next(within limit: Duration = .seconds(5)) async -> String? {
        let messages = self.messages
        return try? await withTimeLimit(limit) {
            var iterator = messages.makeAsyncIterator()
            return await iterator.next()
        }
    }
}

struct SubscriptionEnded: Error {}
