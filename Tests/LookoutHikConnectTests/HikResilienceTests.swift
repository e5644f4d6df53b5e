import LookoutCore
import LookoutHikConnect
import LookoutHikSimulator
import LookoutTestSupport
import Testing

@Suite("Circuit breaker and the shared rate limit")
struct HikResilienceTests {
    @Test func burstOf5xxOpensTheBreakerWhichLaterCloses() async throws {
        try await HikHarness.with { harness in
            let client = harness.client { $0.circuitBreaker = .init(failureThreshold: 5, cooldown: .milliseconds(800)) }
            try await client.authenticate()
            harness.control.failNext(5, status: 503)
            for _ in 0..<5 {
                let error = await #expect(throws: HikConnectError.self) { try await client.devices() }
                #expect(error?.code == .serverError)
            }
            #expect(client.circuitBreaker.isOpen)
            let sent = harness.stats.requests
            let refused = await #expect(throws: HikConnectError.self) { try await client.devices() }
            #expect(refused?.code == .circuitOpen)
            #expect(harness.stats.requests == sent, "an open breaker sends nothing")
            try await Task.sleep(for: .milliseconds(900))
            #expect(try await client.devices().count == 4, "the probe succeeds")
            #expect(!client.circuitBreaker.isOpen)
            #expect(try await client.devices().count == 4)
        }
    }

    @Test func failedProbeReopensTheBreaker() async throws {
        try await HikHarness.with { harness in
            let client = harness.client { $0.circuitBreaker = .init(failureThreshold: 2, cooldown: .milliseconds(300)) }
            try await client.authenticate()
            harness.control.failNext(3, status: 500)
            for _ in 0..<2 { _ = try? await client.devices() }
            try await Task.sleep(for: .milliseconds(350))
            let probe = await #expect(throws: HikConnectError.self) { try await client.devices() }
            #expect(probe?.code == .serverError)
            let refused = await #expect(throws: HikConnectError.self) { try await client.devices() }
            #expect(refused?.code == .circuitOpen)
            try await Task.sleep(for: .milliseconds(350))
            #expect(try await client.devices().count == 4)
        }
    }

    @Test func threeClientsShareFiveRequestsPerSecond() async throws {
        try await HikHarness.with { harness in
            // Three "processes": own Redis connection and own client each, one account.
            let clients = try (0..<3).map { _ in harness.client(redis: try harness.newRedisClient()) }
            try await clients[0].authenticate()
            harness.control.resetStats()
            let started = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in clients {
                    group.addTask {
                        for _ in 0..<10 { _ = try await client.devices() }
                    }
                }
                try await group.waitForAll()
            }
            let elapsed = ContinuousClock.now - started
            let stats = harness.stats
            #expect(stats.requests == 30)
            #expect(stats.rateLimited == 0)
            #expect(stats.maxPerSecond <= 5)
            #expect(stats.maxPerSecond >= 4, "the limiter should not starve the account")
            // 30 requests at 5 per 1.2 s: at least 5 full windows.
            #expect(elapsed >= .seconds(6))
        }
    }

    @Test func limiterAloneNeverAdmitsMoreThanTheLimitPerWindow() async throws {
        try await HikHarness.with { harness in
            let limiter = HikRateLimiter(
                redis: harness.redis, key: harness.keys.hikRateLimit, backoffKey: harness.keys.hikRateLimitBackoff, rateLimit: HikRateLimit(requests: 5, window: .milliseconds(500), margin: .zero),
                logger: harness.logs.logger("test.limiter"))
            let clock = ContinuousClock()
            let admitted = try await withThrowingTaskGroup(of: ContinuousClock.Instant.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await limiter.acquire()
                        return clock.now
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }.sorted()
            }
            // Local instants trail Redis TIME by each reply's trip: allow 100 ms of jitter.
            for index in 5..<admitted.count {
                #expect(admitted[index] - admitted[index - 5] >= .milliseconds(400))
            }
            #expect(try #require(admitted.last) - admitted[0] >= .milliseconds(1400), "20 slots at 5 per 500 ms span 3 windows")
        }
    }
}

@Suite("The simulator's own limit")
struct HikSimulatorLimitTests {
    /// The control for `threeClientsShareFiveRequestsPerSecond`: a client whose limiter allows
    /// far more than the cloud does gets the documented rate-limit answer, typed.
    @Test func tooFastClientGetsRateLimited() async throws {
        try await HikHarness.with { harness in
            let client = harness.client { $0.rateLimit = HikRateLimit(requests: 100, margin: .zero) }
            try await client.authenticate()
            let results = await withTaskGroup(of: HikConnectError?.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        do throws(HikConnectError) { _ = try await client.devices() } catch { return error }
                        return nil
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let limited = results.compactMap { $0 }
            #expect(!limited.isEmpty && limited.allSatisfy { $0.code == .rateLimited && $0.errorCode == "EVZ10029" })
            #expect(harness.stats.rateLimited == limited.count)
            #expect(harness.stats.maxPerSecond > 5)
        }
    }
}
