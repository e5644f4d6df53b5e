import LookoutTestSupport
import Testing

@testable import LookoutRedis

/// The consumer-group life cycle the presence worker relies on.
@Suite struct RedisStreamTests {
    @Test func groupReadAckPendingAndClaim() async throws {
        try await withRedisClient { redis in
            let stream = TestEnvironment.uniqueName()
            #expect(try await redis.xgroupCreate(stream, group: "workers", startID: "0"))
            // Every worker creates the group at start: BUSYGROUP is tolerated.
            #expect(try await redis.xgroupCreate(stream, group: "workers", startID: "0") == false)

            let first = try await redis.xadd(stream, maxLength: 1000, fields: [("type", "connected"), ("host", "nvr-1")])
            try await redis.xadd(stream, maxLength: 1000, fields: [("type", "disconnected"), ("host", "nvr-1")])
            #expect(try await redis.xlen(stream) == 2)

            let read = try await redis.xreadgroup(group: "workers", consumer: "a", key: stream, count: 10)
            #expect(read.map { $0.fields["type"] } == ["connected", "disconnected"])
            #expect(read[0].id == first)
            #expect(read[0].fields["host"] == "nvr-1")

            let summary = try await redis.xpending(stream, group: "workers")
            #expect(summary.count == 2)
            #expect(summary.consumers == ["a": 2])

            #expect(try await redis.xack(stream, group: "workers", ids: [first]) == 1)
            // Consumer "a" died holding the second entry; "b" claims it once idle long enough.
            try await Task.sleep(for: .milliseconds(60))
            let claim = try await redis.xautoclaim(stream, group: "workers", consumer: "b", minIdle: .milliseconds(50))
            #expect(claim.entries.map(\.id) == [read[1].id])
            #expect(claim.nextStart == "0-0")
            let pending = try await redis.xpendingEntries(stream, group: "workers", count: 10)
            #expect(pending.count == 1)
            #expect(pending[0].consumer == "b")
            #expect(pending[0].deliveries == 2)
            // A consumer re-reads its own pending entries with id 0.
            let own = try await redis.xreadgroup(group: "workers", consumer: "b", key: stream, id: "0")
            #expect(own.map(\.id) == [read[1].id])
            try await redis.del(stream)
        }
    }

    @Test func approximateTrimKeepsTheStreamBounded() async throws {
        try await withRedisClient { redis in
            let stream = TestEnvironment.uniqueName()
            _ = try await redis.pipelineChecked((0..<2000).map { RedisCommand.xadd(stream, maxLength: 100, fields: [("n", String($0))]) })
            let length = try await redis.xlen(stream)
            // "~" trims whole nodes (100 entries by default), never below the bound.
            #expect(length >= 100 && length < 300)
            let last = try await redis.xrange(stream, start: "-", end: "+").last
            #expect(last?.fields["n"] == "1999")
            try await redis.del(stream)
        }
    }

    @Test func blockedReadReturnsEmptyAfterItsBlockTime() async throws {
        try await withRedisClient(commandTimeout: .milliseconds(500)) { redis in
            let stream = TestEnvironment.uniqueName()
            try await redis.xgroupCreate(stream, group: "g")
            // BLOCK 800 ms is longer than the 500 ms command timeout: the timeout must stretch.
            let entries = try await redis.xreadgroup(group: "g", consumer: "c", key: stream, block: .milliseconds(800))
            #expect(entries.isEmpty)
            try await redis.del(stream)
        }
    }

    @Test func blockedReadWakesOnAnAppendFromAnotherClient() async throws {
        let stream = TestEnvironment.uniqueName()
        try await withRedisClient { reader in
            try await withRedisClient { writer in
                try await reader.xgroupCreate(stream, group: "g")
                async let read = reader.xreadgroup(group: "g", consumer: "c", key: stream, block: .seconds(5))
                try await Task.sleep(for: .milliseconds(100))
                try await writer.xadd(stream, fields: [("k", "v")])
                let entries = try await read
                #expect(entries.map { $0.fields["k"] } == ["v"])
                try await writer.del(stream)
            }
        }
    }

    /// hiredis must never block Swift's cooperative pool (2 threads here): while four clients sit
    /// in `XREADGROUP … BLOCK 1000`, a 10 ms ticker on the pool keeps ticking.
    @Test func blockingReadsLeaveTheCooperativePoolFree() async throws {
        let stream = TestEnvironment.uniqueName()
        let clients = try (0..<4).map { _ in RedisClient(configuration: try RedisConfiguration(url: TestEnvironment.redisURL), logger: .test) }
        try await clients[0].xgroupCreate(stream, group: "g")
        let ticks = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, client) in clients.enumerated() {
                group.addTask {
                    _ = try await client.xreadgroup(group: "g", consumer: "c\(index)", key: stream, block: .milliseconds(1000))
                    return 0
                }
            }
            group.addTask {
                var count = 0
                let end = ContinuousClock.now + .milliseconds(900)
                while ContinuousClock.now < end {
                    try await Task.sleep(for: .milliseconds(10))
                    count += 1
                }
                return count
            }
            var total = 0
            for try await value in group { total += value }
            return total
        }
        // ~80 ticks when the pool is free; a pool blocked by the reads would give almost none.
        #expect(ticks > 40)
        for client in clients { await client.close() }
        _ = try await withRedisClient { try await $0.del(stream) }
    }
}
