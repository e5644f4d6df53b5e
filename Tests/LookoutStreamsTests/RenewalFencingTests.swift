import Foundation
import LookoutCore
import LookoutHikConnect
import LookoutHikSimulator
import LookoutRedis
import LookoutTestSupport
import LookoutWorkers
import Testing

/// Issue 12 item 5: a renewal lease fences. A reaped job's lease is gone, so the worker that
/// stalled past it can neither renew, finish nor reschedule it, and makes no cloud call for it.
@Suite("Renewal leases fence a stalled worker", .serialized, .timeLimit(.minutes(1)))
struct RenewalFencingTests {
    @Test func aReapedJobsLeaseIsDeletedSoItsWorkerCanNeitherRenewNorFinishIt() async throws {
        let redis = RedisClient(configuration: try RedisConfiguration(url: try TestEnvironment.redisURL), logger: LogCapture().logger())
        let keys = RedisKeys(prefix: TestEnvironment.uniqueName() + ":")
        let queue = RenewalQueue(redis: redis, keys: keys)
        try await withTeardown({
            _ = try? await redis.del(keys.renewals, keys.renewalsRunning, keys.renewalsDead, keys.renewalLease(cameraID: 7))
            await redis.close()
        }) {
            let now = unixMillis()
            try await queue.schedule(cameraID: 7, dueAt: now - 1000)
            let first = try #require(try await queue.claim(now: now, lease: .seconds(1), limit: 1).first)
            // The first worker stalls past its lease; the reaper puts the job back.
            #expect(try await queue.reapExpiredLeases(now: now + 2000) == 1)
            #expect(try await redis.get(keys.renewalLease(cameraID: 7)) == nil, "reaping deletes the lease")
            #expect(try await queue.renewLease(first, now: now + 2000, lease: .seconds(1)) == false)
            #expect(try await queue.finish(first, nextDueAt: now + 86_400_000, now: now + 2000) == false, "a reaped claim cannot finish")
            #expect(try await queue.dueAt(cameraID: 7) == now + 2000, "the job is due again at once for another worker, not postponed")
            // Another worker takes it; the first one still cannot touch it.
            let second = try #require(try await queue.claim(now: now + 2000, lease: .seconds(30), limit: 1).first)
            #expect(try await queue.finish(first, nextDueAt: nil, now: now + 2000) == false)
            #expect(try await queue.release(first, now: now + 2000) == false)
            #expect(try await queue.renewLease(second, now: now + 2000, lease: .seconds(30)))
            #expect(try await queue.finish(second, nextDueAt: now + 86_400_000, now: now + 2000))
            #expect(try await queue.dead().isEmpty)
        }
    }

    /// The defect: a worker paused past its lease resumed, logged "lease lost" and still fetched
    /// a URL (18 URLs for 16 cameras). Here the worker stalls right before its cloud call while
    /// its job is reaped and taken by another worker; when it resumes it sends nothing.
    @Test func aWorkerThatLostItsLeaseMakesNoCloudCallForTheJob() async throws {
        try await RenewalHarness.with { harness in
            let ids = try await harness.discover()
            let id = try #require(ids.first)
            try await harness.client.authenticate()
            harness.control.resetStats()
            let stalling = StallingProvider(inner: harness.hik)
            let worker = try harness.worker(provider: stalling) { $0.concurrency = 1 }
            try await harness.running(worker) {
                #expect(await eventually { stalling.entered == 1 })
                // Past its lease: reaped (due again) and claimed by another worker.
                let later = unixMillis() + 3_600_000
                #expect(try await harness.queue.reapExpiredLeases(now: later) == 1)
                let other = try #require(try await harness.queue.claim(now: later, lease: .seconds(30), limit: 1).first)
                stalling.release()
                #expect(
                    await eventually {
                        (try? await harness.sql("SELECT outcome FROM renewals WHERE camera_id = \(id) ORDER BY id DESC LIMIT 1")) == "cancelled"
                    })
                #expect(harness.stats.liveAddressesIssued == 0, "no URL fetched by the worker that lost its lease")
                #expect(harness.stats.requests == 0)
                #expect(try await harness.queue.renewLease(other, now: unixMillis(), lease: .seconds(30)), "the other worker's claim is intact")
                #expect(try await harness.sql("SELECT renewal_state FROM cameras WHERE id = \(id)") != "failed")
            }
        }
    }
}
