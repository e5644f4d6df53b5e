import Foundation
import LookoutCore
import LookoutHikConnect
import LookoutHikSimulator
import LookoutRedis
import LookoutTestSupport
import LookoutWorkers
import Testing

/// Issue 12 items 4 and 5: renewals bounded by the URL's deadline, not a count; refused
/// credentials pause every renewal once; a shutdown is not a failure; a queue lost with Redis
/// is re-seeded at once.
@Suite("Renewals under failure", .serialized, .timeLimit(.minutes(1)))
struct RenewalFailureTests {
    static let tokenPath = "/api/hccgw/platform/v1/token/get"

    /// The defect: a renewal gave up after 10 attempts (about 3 hours) with days left on its URL.
    @Test func aFailingRenewalRetriesUntilTheURLsDeadlineNotForACount() async throws {
        try await RenewalHarness.with(configure: { $0.circuitBreaker = .init(failureThreshold: 100_000, cooldown: .seconds(1)) }) { harness in
            let id = try #require(try await harness.discover().first)
            let worker = try harness.worker {
                $0.concurrency = 1
                $0.expiredRetry = .seconds(60)
            }
            try await harness.running(worker) {
                #expect(await eventually(timeout: .seconds(10)) { (try? await harness.sql("SELECT stream_url IS NOT NULL FROM cameras WHERE id = \(id)")) == "t" })
                harness.control.failNext(100_000, status: 500)
                try await harness.queue.schedule(cameraID: id, dueAt: unixMillis())
                // Ten attempts was where it used to give up; the URL has days left, so it goes on.
                #expect(
                    await eventually(timeout: .seconds(20)) {
                        Int((try? await harness.sql("SELECT renewal_attempts FROM cameras WHERE id = \(id)")) ?? "") ?? 0 >= 12
                    })
                #expect(try await harness.queue.dead().isEmpty)
                #expect(try await harness.sql("SELECT renewal_state FROM cameras WHERE id = \(id)") == "retrying")

                // The URL expired and renewal still fails: marked, retried on the slow cadence, never dead.
                _ = try await harness.sql("UPDATE cameras SET stream_expires_at = now() - interval '1 minute' WHERE id = \(id)")
                #expect(
                    await eventually {
                        (try? await harness.sql("SELECT renewal_last_error LIKE 'stream URL expired%' FROM cameras WHERE id = \(id)")) == "t"
                    })
                let due = try #require(try await harness.queue.dueAt(cameraID: id))
                #expect(due > unixMillis() + 10_000, "the slow cadence: backoff up to 60 s ± 50 %")
                #expect(try await harness.queue.dead().isEmpty)
                #expect(try await harness.sql("SELECT renewal_state FROM cameras WHERE id = \(id)") == "retrying")
            }
        }
    }

    /// The defect: a credential error put every camera in the dead set, one by one.
    @Test func refusedCredentialsPauseEveryRenewalWithOneAlertAndResumeOnceFixed() async throws {
        try await RenewalHarness.with(devices: 1, channels: 4) { harness in
            let ids = try await harness.discover()
            #expect(ids.count == 4)
            // The secret was changed at the cloud and the token revoked: every re-login is refused.
            harness.control.update { $0.secretKey = "rotated-secret" }
            harness.control.revokeTokens()
            let worker = try harness.worker { $0.credentialProbe = .milliseconds(300) }
            try await harness.running(worker) {
                #expect(await eventually { (try? await harness.redis.get(harness.keys.renewalsPaused)) != nil })
                let logins = harness.stats.byPath[Self.tokenPath] ?? 0
                // Probes keep failing for a while: still one alert, and no camera failed.
                #expect(await eventually { (harness.stats.byPath[Self.tokenPath] ?? 0) >= logins + 3 })
                #expect(harness.logCount("all renewals paused") == 1)
                let dead = try await harness.queue.dead()
                #expect(dead.isEmpty)
                let failed = try await harness.sql("SELECT count(*) FROM cameras WHERE renewal_state = 'failed'")
                #expect(failed == "0")
                #expect(
                    (harness.stats.byPath["/api/hccgw/video/v1/live/address/get"] ?? 0) <= 2,
                    "only the jobs running when the token was refused (concurrency 2) asked; none while paused")

                harness.control.update { $0.secretKey = "sim-secret-key" }
                #expect(
                    await eventually(timeout: .seconds(10)) {
                        (try? await harness.sql("SELECT count(*) FROM cameras WHERE stream_url IS NOT NULL")) == "4"
                    })
                let paused = try await harness.redis.get(harness.keys.renewalsPaused)
                #expect(paused == nil)
                #expect(harness.logCount("renewals resumed") == 1)
            }
        }
    }

    /// The defect: a job cancelled at shutdown was recorded as failed (and sent to the dead set).
    @Test func aJobCancelledAtShutdownIsReleasedNotFailed() async throws {
        try await RenewalHarness.with { harness in
            let id = try #require(try await harness.discover().first)
            let provider = ScriptedProvider { _ in
                // As HikConnectStreams answered a cancelled request.
                do { try await Task.sleep(for: .seconds(60)) } catch { throw RenewalFailure(.permanent, "Hik-Connect cancelled: request cancelled") }
                throw RenewalFailure(.retryable, "not reached")
            }
            let worker = try harness.worker(provider: provider)
            try await harness.running(worker) {
                #expect(await eventually { provider.calls == 1 })
            }
            #expect(try await harness.queue.dead().isEmpty, "not a failure")
            #expect(try await harness.queue.dueAt(cameraID: id) != nil, "due again at once, for another worker")
            #expect(try await harness.redis.get(harness.keys.renewalLease(cameraID: id)) == nil, "lease released")
            #expect(try await harness.sql("SELECT renewal_state FROM cameras WHERE id = \(id)") != "failed")
            #expect(try await harness.sql("SELECT outcome || ':' || error FROM renewals WHERE camera_id = \(id)") == "cancelled:shutdown")
        }
    }

    /// The defect: a queue lost with Redis came back only with the next minute's re-seed.
    @Test func aQueueLostWithRedisIsReseededFromPostgreSQLAtOnce() async throws {
        try await RenewalHarness.with(devices: 1, channels: 2) { harness in
            let ids = try await harness.discover()
            let provider = ScriptedProvider { ScriptedProvider.url(for: $0) }
            let worker = try harness.worker(provider: provider)
            try await harness.running(worker) {
                let later = unixMillis() + 86_400_000
                #expect(
                    await eventually {
                        for id in ids { guard ((try? await harness.queue.dueAt(cameraID: id)) ?? nil) ?? 0 > later else { return false } }
                        return true
                    })
                // Redis restarted empty: every key under the prefix is gone.
                _ = try await harness.redis.send(
                    RedisCommand(
                        "EVAL", ["for _, k in ipairs(redis.call('KEYS', ARGV[1] .. '*')) do redis.call('DEL', k) end", "0", harness.keys.prefix]))
                #expect(try await harness.queue.dueAt(cameraID: ids[0]) == nil)
                #expect(
                    await eventually(timeout: .seconds(5)) {
                        for id in ids { guard ((try? await harness.queue.dueAt(cameraID: id)) ?? nil) ?? 0 > later else { return false } }
                        return true
                    })
                #expect(provider.calls == 2, "re-seeded at the stored due times, not renewed again")
            }
        }
    }
}
