import LookoutTestSupport
import Synchronization
import Testing

@testable import LookoutRedis

@Suite struct RedisPipelineTests {
    @Test func tenThousandCommandsGoOutInOneWriteAndComeBackInOrder() async throws {
        let connection = try await RedisConnection.connect(try RedisConfiguration(url: TestEnvironment.redisURL), logger: .test)
        let key = TestEnvironment.uniqueName()
        let commands = (0..<10_000).map { RedisCommand.incrBy(key, $0 % 7 == 0 ? 1 : 0) }
        let writesBefore = connection.writes.load(ordering: .relaxed)
        let replies = try await connection.pipeline(commands)
        #expect(connection.writes.load(ordering: .relaxed) - writesBefore == 1)
        #expect(replies.count == 10_000)
        // Every reply matches its own command: the running count only grows at multiples of 7.
        var expected = 0
        for (index, reply) in replies.enumerated() {
            if index % 7 == 0 { expected += 1 }
            #expect(reply.int == expected, "reply \(index)")
            if reply.int != expected { break }
        }
        try await connection.send(.del([key]))
        await connection.close()
    }

    @Test func errorRepliesStayInPlaceInAPipeline() async throws {
        try await withRedisClient { redis in
            let key = TestEnvironment.uniqueName()
            let replies = try await redis.pipeline([.set(key, "x"), .incr(key), .get(key), RedisCommand("NOSUCHCOMMAND")])
            #expect(replies[0] == .simpleString("OK"))
            #expect(replies[1].errorMessage?.hasPrefix("ERR") == true)
            #expect(replies[2].string == "x")
            #expect(replies[3].errorMessage != nil)
            await #expect(throws: RedisError.self) { try await redis.pipelineChecked([.get(key), .incr(key)]) }
            try await redis.del(key)
        }
    }

    @Test func concurrentCallersShareTheConnection() async throws {
        try await withRedisClient { redis in
            let key = TestEnvironment.uniqueName()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<200 { group.addTask { _ = try await redis.incr(key) } }
                try await group.waitForAll()
            }
            #expect(try await redis.get(key) == "200")
            #expect(await redis.connectionCount == 1)
            try await redis.del(key)
        }
    }
}
