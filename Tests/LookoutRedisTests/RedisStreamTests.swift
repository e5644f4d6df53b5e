import LookoutTestSupport
import Synchronization
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

    /// hiredis must never block Swift's cooperative pool (2 threads here). Four clients sit in
    /// `XREADGROUP … BLOCK 3000`; if those waits held pool threads, nothing else could run until
    /// they end. A fifth client's PING and a plain task must both finish while all four still wait.
    @Test func blockingReadsLeaveTheCooperativePoolFree() async throws {
        let stream = TestEnvironment.uniqueName()
        let clients = try (0..<5).map { _ in RedisClient(configuration: try RedisConfiguration(url: TestEnvironment.redisURL), logger: .test) }
        try await clients[0].xgroupCreate(stream, group: "g")
        let readsDone = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<4 {
                group.addTask {
                    _ = try await clients[index].xreadgroup(group: "g", consumer: "c\(index)", key: stream, block: .milliseconds(3000))
                    readsDone.value.add(1, ordering: .relaxed)
                }
            }
            // Let the four reads reach Redis, then ask for work on the pool.
            try await Task.sleep(for: .milliseconds(200))
            try await clients[4].ping()
            let sum = await Task { (1...1000).reduce(0, +) }.value
            #expect(sum == 500_500)
            #expect(readsDone.value.load(ordering: .relaxed) == 0, "the PING had to wait for the blocking reads")
            try await group.waitForAll()
        }
        #expect(readsDone.value.load(ordering: .relaxed) == 4)
        try await clients[0].del(stream)
        for client in clients { await client.close() }
    }
}

private final class Counter: Sendable {
    let value = Atomic<Int>(0)
}
