import LookoutTestSupport
import ServiceLifecycle
import Testing

@testable import LookoutRedis

@Suite struct RedisSubscriberTests {
    @Test func deliversPublishedMessagesInOrder() async throws {
        let channel = TestEnvironment.uniqueName()
        let subscriber = RedisSubscriber(channels: [channel, channel + ":other"], configuration: try RedisConfiguration(url: TestEnvironment.redisURL), logger: .test)
        try await withRedisClient { redis in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await subscriber.run() }
                var events = subscriber.events.makeAsyncIterator()
                #expect(await events.next() == .subscribed(channels: [channel, channel + ":other"]))
                for index in 0..<100 { try await redis.publish(channel, "m\(index)") }
                try await redis.publish(channel + ":other", "other")
                for index in 0..<100 {
                    #expect(await events.next() == .message(channel: channel, payload: "m\(index)"))
                }
                #expect(await events.next() == .message(channel: channel + ":other", payload: "other"))
                group.cancelAll()
            }
        }
    }
}
