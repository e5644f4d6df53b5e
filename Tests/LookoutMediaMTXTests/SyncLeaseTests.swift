import Foundation
import LookoutCore
import LookoutMediaMTX
import LookoutMediaMTXSimulator
import LookoutRedis
import LookoutTestSupport
import Testing

@Suite("MediaMTXSync: one active instance by a Redis lease", .timeLimit(.minutes(1)))
struct SyncLeaseTests {
    @Test func twoSyncsOnlyOneIsActiveAndTheOtherTakesOverWhenItStops() async throws {
        let harness = try await SyncHarness.make([ManagedPath(name: "cam-1", source: Fixture.url("a"))])
        let otherFolder = try Fixture.configFolder()
        let first = RunningSync(await harness.sync())
        let second = RunningSync(await harness.sync(folder: otherFolder))
        #expect(
            await eventually {
                let one = await first.sync.status.isActive
                let two = await second.sync.status.isActive
                return one || two
            })
        // Over several lease renewals, never two at once and never none.
        for _ in 0..<15 {
            let active = [await first.sync.status.isActive, await second.sync.status.isActive].filter { $0 }.count
            #expect(active == 1)
            try await Task.sleep(for: .milliseconds(100))
        }
        let (winner, standby) = await first.sync.status.isActive ? (first, second) : (second, first)
        #expect(await standby.sync.status.rounds == 0, "a standby does not reconcile")
        #expect(await standby.sync.fileWrites == 0)

        // A graceful stop releases the lease: the standby takes over well before the TTL.
        let stopped = ContinuousClock.now
        await winner.stop()
        #expect(await eventually { await standby.sync.status.isActive })
        #expect(ContinuousClock.now - stopped < .milliseconds(1500))
        #expect(await eventually { await standby.sync.status.rounds > 0 })
        await standby.stop()
        await harness.close()
    }

    @Test func aStandbyTakesOverOnlyAfterACrashedHoldersLeaseExpires() async throws {
        let harness = try await SyncHarness.make([ManagedPath(name: "cam-1", source: Fixture.url("a"))])
        // A holder that crashed: it took the lease and never renews or releases it.
        let crashed = MediaMTXLease(redis: harness.redis, key: harness.keys.mediamtxLease, ttl: .milliseconds(1500))
        #expect(try await crashed.acquire())
        let taken = ContinuousClock.now
        let standby = RunningSync(await harness.sync())
        try await Task.sleep(for: .milliseconds(900))
        #expect(await standby.sync.status.isActive == false)
        #expect(await eventually(timeout: .seconds(3)) { await standby.sync.status.isActive })
        #expect(ContinuousClock.now - taken >= .milliseconds(1400))
        #expect(await eventually { await harness.converged(["cam-1": Fixture.url("a")]) })
        await standby.stop()
        await harness.close()
    }

    @Test func anActiveSyncWhoseLeaseIsTakenStepsDown() async throws {
        let harness = try await SyncHarness.make()
        let running = RunningSync(await harness.sync())
        #expect(await eventually { await running.sync.status.isActive })
        try await harness.redis.set(harness.keys.mediamtxLease, "someone-else", ttl: .seconds(3))
        #expect(await eventually { await running.sync.status.isActive == false })
        #expect(try await harness.redis.get(harness.keys.mediamtxLease) == "someone-else", "it does not release a lease it no longer holds")
        #expect(await eventually(timeout: .seconds(5)) { await running.sync.status.isActive }, "and takes it back once free")
        await running.stop()
        #expect(try await harness.redis.get(harness.keys.mediamtxLease) == nil, "released at shutdown")
        await harness.close()
    }
}
