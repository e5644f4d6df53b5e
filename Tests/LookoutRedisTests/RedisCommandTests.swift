import LookoutTestSupport
import NIOCore
import Synchronization
import Testing

@testable import LookoutRedis

/// Keys, counters, TTLs, sorted sets, scripts and errors against the real test Redis.
@Suite struct RedisCommandTests {
    @Test func keysCountersAndTTLs() async throws {
        try await withRedisClient { redis in
            let key = TestEnvironment.uniqueName()
            #expect(try await redis.get(key) == nil)
            #expect(try await redis.set(key, "one"))
            #expect(try await redis.set(key, "two", condition: .ifNotExists) == false)
            #expect(try await redis.get(key) == "one")
            #expect(try await redis.exists(key))
            #expect(try await redis.pttl(key) == nil)
            #expect(try await redis.pexpire(key, .seconds(30)))
            let ttl = try #require(try await redis.pttl(key))
            #expect(ttl > .seconds(25) && ttl <= .seconds(30))
            #expect(try await redis.del(key) == 1)
            #expect(try await redis.incr(key + ":n") == 1)
            #expect(try await redis.incrBy(key + ":n", 41) == 42)
            try await redis.set(key + ":ttl", "x", ttl: .milliseconds(100))
            #expect(try await eventually(timeout: .seconds(2)) { try await redis.get(key + ":ttl") == nil })
            try await redis.del(key + ":n")
        }
    }

    @Test func serverErrorsAreTypedWithTheirText() async throws {
        try await withRedisClient { redis in
            let key = TestEnvironment.uniqueName()
            try await redis.set(key, "not a number")
            let error = await #expect(throws: RedisError.self) { try await redis.incr(key) }
            #expect(error?.code == .server)
            #expect(error?.message.hasPrefix("ERR value is not an integer") == true)
            // The connection is still fine after an error reply.
            #expect(try await redis.get(key) == "not a number")
            try await redis.del(key)
        }
    }

    @Test func sortedSets() async throws {
        try await withRedisClient { redis in
            let key = TestEnvironment.uniqueName()
            #expect(try await redis.zadd(key, [(100, "a"), (200, "b"), (300, "c")]) == 3)
            // GT: a last-seen time never moves back.
            try await redis.zadd(key, [(50, "a")], condition: .ifGreater)
            #expect(try await redis.zscore(key, "a") == 100)
            try await redis.zadd(key, [(150.5, "a")], condition: .ifGreater)
            #expect(try await redis.zscore(key, "a") == 150.5)
            let due = try await redis.zrangeByScore(key, min: "-inf", max: "200", limit: 10)
            #expect(due.map(\.member) == ["a", "b"])
            #expect(try await redis.zcard(key) == 3)
            let popped = try await redis.zpopmin(key)
            #expect(popped.first?.member == "a")
            #expect(try await redis.zrem(key, ["b", "zzz"]) == 1)
            #expect(try await redis.zcard(key) == 1)
            try await redis.del(key)
        }
    }

    @Test func scriptsRunBySHAAndReloadAfterAFlush() async throws {
        try await withRedisClient { redis in
            let key = TestEnvironment.uniqueName()
            let script = RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
            try await redis.send(RedisCommand("SCRIPT", ["FLUSH"]))
            // Not cached yet: EVALSHA answers NOSCRIPT, the client falls back to EVAL.
            #expect(try await redis.eval(script, keys: [key], arguments: ["5"]).int == 5)
            #expect(try await redis.send(RedisCommand("SCRIPT", ["EXISTS", script.sha1])).array == [.integer(1)])
            #expect(try await redis.eval(script, keys: [key], arguments: ["2"]).int == 7)
            let broken = RedisScript("return redis.call('NOPE')")
            let error = await #expect(throws: RedisError.self) { try await redis.eval(broken) }
            #expect(error?.code == .server)
            try await redis.del(key)
        }
    }

    @Test func aCommandWithoutAReplyTimesOutAndTheClientRecovers() async throws {
        try await withRedisClient(commandTimeout: .milliseconds(300)) { redis in
            let key = TestEnvironment.uniqueName()
            let started = ContinuousClock.now
            // BLPOP 0 on an empty list never answers: the command timeout must end it.
            let error = await #expect(throws: RedisError.self) { try await redis.send(RedisCommand("BLPOP", [key, "0"])) }
            #expect(error?.code == .timeout)
            #expect(ContinuousClock.now - started < .seconds(3))
            try await redis.ping()
            #expect(await redis.connectionCount == 2)
        }
    }

    /// A connection closed after a caller picked it (Redis killed, say): NIO has torn down the
    /// channel's handlers, so the write never reaches the reply matcher. The caller must get a
    /// typed error at once, not wait forever (or leak its promise, a crash in debug builds).
    @Test func aCommandOnAClosedConnectionFailsInsteadOfHanging() async throws {
        var configuration = try RedisConfiguration(url: TestEnvironment.redisURL)
        configuration.commandTimeout = .seconds(30)
        let connection = try await RedisConnection.connect(configuration, logger: .test)
        await connection.close()
        try await connection.channel.closeFuture.get()
        let started = ContinuousClock.now
        for _ in 0..<3 {
            // Unstructured and polled, so a hanging send fails the test instead of hanging it.
            let finished = Atomic(false)
            let send = Task {
                defer { finished.store(true, ordering: .relaxed) }
                try await connection.send(RedisCommand("PING"))
            }
            try #require(await eventually(timeout: .seconds(5)) { finished.load(ordering: .relaxed) })
            let error = await #expect(throws: RedisError.self) { try await send.value }
            #expect(error?.code == .connectionLost)
        }
        #expect(ContinuousClock.now - started < .seconds(5))
    }
}
