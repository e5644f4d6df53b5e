import LookoutTestSupport
import Testing

@testable import LookoutRedis

/// Redis restarts under a running client and subscriber, on a private server of this test's own.
@Suite struct RedisRestartTests {
    @Test func clientAndSubscriberSurviveARedisRestart() async throws {
        let server = try RedisServerProcess()
        try await server.start()
        var configuration = try RedisConfiguration(url: server.url)
        configuration.connectTimeout = .seconds(1)
        configuration.commandTimeout = .seconds(1)
        var options = RedisSubscriber.Options()
        options.backoff = RedisReconnectBackoff(initial: .milliseconds(50), maximum: .milliseconds(200))
        let client = RedisClient(configuration: configuration, logger: .test)
        let subscriber = RedisSubscriber(channels: ["news"], configuration: configuration, options: options, logger: .test)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await subscriber.run() }
            var events = subscriber.events.makeAsyncIterator()
            #expect(await events.next() == .subscribed(channels: ["news"]))
            try await client.publish("news", "before")
            #expect(await events.next() == .message(channel: "news", payload: "before"))

            await server.kill()
            // While Redis is down, commands fail with a typed error, quickly, instead of hanging.
            for _ in 0..<3 {
                let error = await #expect(throws: RedisError.self) {
                    try await withTimeLimit(.seconds(3)) { try await client.set("k", "v") }
                }
                #expect(error?.code == .connectionLost || error?.code == .connectionFailed)
            }

            try await server.start()
            // The client reconnects on the next command.
            #expect(await eventually(timeout: .seconds(5)) { (try? await client.set("k", "after")) == true })
            #expect(try await client.get("k") == "after")
            #expect(await client.connectionCount == 2)
            // The subscriber resubscribes by itself and announces it, then gets later messages.
            #expect(await events.next() == .subscribed(channels: ["news"]))
            try await client.publish("news", "after")
            #expect(await events.next() == .message(channel: "news", payload: "after"))
            group.cancelAll()
        }
        await client.close()
    }
}
