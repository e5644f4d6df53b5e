import Foundation
import LookoutCore
import LookoutMediaMTX
import LookoutMediaMTXSimulator
import LookoutTestSupport
import Testing

@Suite("MediaMTXSync: swapping a pending source", .timeLimit(.minutes(1)))
struct SyncSwapTests {
    @Test func aPathWithReadersIsNotSwappedUntilIdle() async throws {
        let harness = try await SyncHarness.make([ManagedPath(name: "cam-1", source: Fixture.url("old"))])
        let running = RunningSync(await harness.sync())
        #expect(await eventually { await harness.converged(["cam-1": Fixture.url("old")]) })
        await harness.double.setReaders(path: "cam-1", count: 2)

        let farDeadline = unixMillis() + 3_600_000
        await harness.source.set([ManagedPath(name: "cam-1", source: Fixture.url("old"), pendingSource: Fixture.url("new"), pendingDeadline: farDeadline)])
        await running.sync.requestReconcile()
        try await Task.sleep(for: .seconds(1))
        #expect(await harness.converged(["cam-1": Fixture.url("old")]), "the old URL stays while viewers watch")
        #expect(await harness.source.promotions.isEmpty)
        #expect(await harness.double.readerCount(path: "cam-1") == 2)

        await harness.double.setReaders(path: "cam-1", count: 0)
        #expect(await eventually { await harness.converged(["cam-1": Fixture.url("new")]) })
        #expect(await eventually { await harness.source.promotions == ["cam-1"] })
        #expect(await harness.source.paths == [ManagedPath(name: "cam-1", source: Fixture.url("new"))])
        await running.stop()
        await harness.close()
    }

    @Test func aPathWithReadersIsSwappedAtItsDeadline() async throws {
        let harness = try await SyncHarness.make([ManagedPath(name: "cam-1", source: Fixture.url("old"))])
        let running = RunningSync(await harness.sync())
        #expect(await eventually { await harness.converged(["cam-1": Fixture.url("old")]) })
        await harness.double.setReaders(path: "cam-1", count: 3)

        let deadline = unixMillis() + 1500
        await harness.source.set([ManagedPath(name: "cam-1", source: Fixture.url("old"), pendingSource: Fixture.url("new"), pendingDeadline: deadline)])
        await running.sync.requestReconcile()
        try await Task.sleep(for: .milliseconds(1000))
        #expect(await harness.converged(["cam-1": Fixture.url("old")]))

        #expect(await eventually(timeout: .seconds(4)) { await harness.converged(["cam-1": Fixture.url("new")]) })
        #expect(unixMillis() >= deadline)
        #expect(await harness.double.readerCount(path: "cam-1") == 0, "the swap dropped the viewers, as MediaMTX does")
        #expect(await eventually { await harness.source.promotions == ["cam-1"] })
        await running.stop()
        await harness.close()
    }

    @Test func aPendingURLOfAnIdlePathGoesLiveAtOnceAndOnlyChangedPathsArePatched() async throws {
        let harness = try await SyncHarness.make([
            ManagedPath(name: "cam-1", source: Fixture.url("a")), ManagedPath(name: "cam-2", source: Fixture.url("b")),
        ])
        let running = RunningSync(await harness.sync())
        #expect(await eventually { await harness.converged(["cam-1": Fixture.url("a"), "cam-2": Fixture.url("b")]) })
        #expect(await eventually { await running.sync.status.cleanRounds > 0 })
        let before = await harness.double.requests().filter { !$0.hasPrefix("GET") }

        await harness.source.set([
            ManagedPath(name: "cam-1", source: Fixture.url("a")),
            ManagedPath(name: "cam-2", source: Fixture.url("b"), pendingSource: Fixture.url("b2"), pendingDeadline: unixMillis() + 3_600_000),
        ])
        await running.sync.requestReconcile()
        #expect(await eventually { await harness.converged(["cam-1": Fixture.url("a"), "cam-2": Fixture.url("b2")]) })
        #expect(await eventually { await harness.source.promotions == ["cam-2"] })
        await running.sync.requestReconcile()
        try await Task.sleep(for: .milliseconds(300))
        let changes = await harness.double.requests().filter { !$0.hasPrefix("GET") }.dropFirst(before.count)
        #expect(Array(changes) == ["PATCH /v3/config/paths/patch/cam-2"], "only the changed path is patched, once")
        await running.stop()
        await harness.close()
    }
}
