import Foundation
import LookoutCore
import LookoutMediaMTX
import LookoutMediaMTXSimulator
import LookoutRedis
import LookoutTestSupport
import Testing

@Suite("MediaMTXSync: level-triggered convergence", .timeLimit(.minutes(1)))
struct SyncConvergenceTests {
    static let handmade = """
        logLevel: info
        api: true
        pathDefaults:
          sourceOnDemand: true
        paths:
          lobby:
            source: publisher
        """

    @Test func mediamtxDownThenUpConverges() async throws {
        let harness = try await SyncHarness.make([ManagedPath(name: "cam-1", source: Fixture.url("a"))])
        let running = RunningSync(await harness.sync())
        #expect(await eventually { await harness.converged(["cam-1": Fixture.url("a")]) })

        // Down (503), and a change meanwhile: the file follows, the API cannot.
        await harness.double.setDown(.unavailable)
        await harness.source.set([ManagedPath(name: "cam-1", source: Fixture.url("b")), ManagedPath(name: "cam-2", source: Fixture.url("c"))])
        await running.sync.requestReconcile()
        #expect(await eventually { harness.fileSources() == ["cam-1": Fixture.url("b"), "cam-2": Fixture.url("c")] })
        #expect(await eventually { await running.sync.status.lastProblem != nil })
        #expect(await harness.double.sources() == ["cam-1": Fixture.url("a")])

        // Up again: the next retry converges without any signal.
        await harness.double.setDown(nil)
        #expect(await eventually { await harness.converged(["cam-1": Fixture.url("b"), "cam-2": Fixture.url("c")]) })

        // Refusing connections, then a restart that lost every API-made path.
        await harness.server.stop()
        try await Task.sleep(for: .milliseconds(500))
        await harness.double.restart(paths: [:])
        try await harness.server.start()
        #expect(await eventually { await harness.converged(["cam-1": Fixture.url("b"), "cam-2": Fixture.url("c")]) })
        #expect(await eventually { await running.sync.status.lastProblem == nil })
        await running.stop()
        await harness.close()
    }

    @Test func aRemovedCameraLosesItsPathAndHandWrittenPathsStay() async throws {
        let harness = try await SyncHarness.make(
            [ManagedPath(name: "cam-1", source: Fixture.url("a")), ManagedPath(name: "cam-2", source: Fixture.url("b"))], baseYAML: Self.handmade)
        let running = RunningSync(await harness.sync())
        #expect(await eventually { await harness.converged(["cam-1": Fixture.url("a"), "cam-2": Fixture.url("b")]) })
        #expect(try MediaMTXManagedNames(configPath: harness.configPath).load() == ["cam-1", "cam-2"])

        await harness.source.set([ManagedPath(name: "cam-2", source: Fixture.url("b"))])
        await running.sync.requestReconcile()
        #expect(await eventually { await harness.double.sources()["cam-1"] == nil && harness.fileSources()["cam-1"] == nil })
        let config = try MediaMTXConfig.load(path: harness.configPath)
        #expect(Set(config.pathNames) == ["lobby", "cam-2"])
        #expect(config.pathSources["lobby"] == "publisher")
        #expect(try MediaMTXManagedNames(configPath: harness.configPath).load() == ["cam-2"])
        await running.stop()
        await harness.close()
    }

    @Test func aChangeSignalOnRedisTriggersARoundAtOnce() async throws {
        let harness = try await SyncHarness.make([ManagedPath(name: "cam-1", source: Fixture.url("a"))])
        let running = RunningSync(await harness.sync { $0.reconcileInterval = .seconds(60) })
        #expect(await eventually { await harness.converged(["cam-1": Fixture.url("a")]) })
        #expect(await eventually { await running.sync.status.cleanRounds >= 1 })
        await harness.source.set([ManagedPath(name: "cam-1", source: Fixture.url("b"))])
        // What a renewal job does after storing a URL; retried because the subscription may still be starting.
        let signal = MediaMTXChangeSignal(redis: harness.redis, keys: harness.keys)
        #expect(
            await eventually(timeout: .seconds(5), every: .milliseconds(300)) {
                try? await signal.publish(path: "cam-1")
                return await harness.converged(["cam-1": Fixture.url("b")])
            })
        await running.stop()
        await harness.close()
    }

    @Test func aFailingSourceChangesNothing() async throws {
        let harness = try await SyncHarness.make([ManagedPath(name: "cam-1", source: Fixture.url("a"))])
        let running = RunningSync(await harness.sync())
        #expect(await eventually { await harness.converged(["cam-1": Fixture.url("a")]) })
        await harness.source.setFailing(true)
        await running.sync.requestReconcile()
        #expect(await eventually { await running.sync.status.lastProblem != nil })
        try await Task.sleep(for: .milliseconds(500))
        #expect(await harness.converged(["cam-1": Fixture.url("a")]), "a failed read never removes paths")
        await running.stop()
        await harness.close()
    }

    @Test func noSourceURLIsEverLogged() async throws {
        let capture = LogCapture()
        let harness = try await SyncHarness.make([ManagedPath(name: "cam-1", source: Fixture.url("a"))])
        let running = RunningSync(await harness.sync(logger: capture.logger()))
        #expect(await eventually { await harness.converged(["cam-1": Fixture.url("a")]) })
        await harness.source.set([
            ManagedPath(name: "cam-1", source: Fixture.url("a"), pendingSource: Fixture.url("b"), pendingDeadline: unixMillis()),
            ManagedPath(name: "bad", source: "rtmp://user@host.example.com/secret-x"),
        ])
        await harness.double.setDown(.unavailable)
        await running.sync.requestReconcile()
        try await Task.sleep(for: .milliseconds(500))
        await harness.double.setDown(nil)
        #expect(await eventually { await harness.converged(["cam-1": Fixture.url("b")]) })
        await running.stop()
        await harness.close()
        #expect(capture.all.count > 5)
        #expect(capture.all.contains { $0.contains("cam-1") })
        #expect(!capture.all.contains { $0.contains("secret-") || $0.contains("rtmp://") })
    }
}
