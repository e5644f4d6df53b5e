import LookoutTestSupport
import Testing

@testable import LookoutRedis

/// The data marker on the test Redis: a loss (the key deleted, as by a restart without
/// persistence) is seen by every process, the one that set the lost value too.
@Suite struct RedisDataMarkerTests {
    @Test func aLossIsSeenByEveryProcessEvenTheOneThatSetTheLostValue() async throws {
        try await withRedisClient { client in
            let key = TestEnvironment.uniqueName() + ":redis:marker"
            var gateway = RedisDataMarker(key: key)
            var sweeper = RedisDataMarker(key: key)
            func check(_ marker: inout RedisDataMarker) async throws -> RedisDataMarker.Observation {
                marker.observe(try await client.pipelineChecked(marker.commands)[1])
            }
            #expect(try await check(&gateway) == .first)
            #expect(try await check(&sweeper) == .first)
            #expect(try await check(&gateway) == .unchanged)
            #expect(try await check(&sweeper) == .unchanged)
            #expect(try await client.pttl(key) == nil, "no TTL: an outage must not look like a loss")

            _ = try await client.del(key)
            #expect(try await check(&gateway) == .lost)
            #expect(try await check(&sweeper) == .lost)
            #expect(try await check(&gateway) == .unchanged)
            _ = try await client.del(key)
        }
    }
}
