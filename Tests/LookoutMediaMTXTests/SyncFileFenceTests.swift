import Foundation
import LookoutCore
import LookoutMediaMTX
import LookoutMediaMTXSimulator
import LookoutRedis
import LookoutTestSupport
import Testing

/// Issue 12 item 5: the file on disk is the truth, and the lease fences the write.
@Suite("MediaMTXSync: the file on disk and the lease", .timeLimit(.minutes(1)))
struct SyncFileFenceTests {
    /// The defect: `mediamtx.yml` overwritten with expired URLs (a restored backup) stayed so,
    /// while the sync logged "mediamtx.yml written": it compared with its own last write.
    @Test func aFileSomethingElseOverwroteIsRestored() async throws {
        let harness = try await SyncHarness.make([ManagedPath(name: "cam-1", source: Fixture.url("fresh"))])
        let running = RunningSync(await harness.sync())
        try await withTeardown({
            await running.stop()
            await harness.close()
        }) {
            #expect(await eventually { await harness.converged(["cam-1": Fixture.url("fresh")]) })
            let current = try String(contentsOfFile: harness.configPath, encoding: .utf8)
            // A restored backup: the same file with the expired URL.
            let restored = current.replacingOccurrences(of: Fixture.url("fresh"), with: Fixture.url("expired"))
            try restored.write(toFile: harness.configPath, atomically: true, encoding: .utf8)
            // Restored with its mode (0600), so nothing but the contents tells it apart.
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: harness.configPath)
            #expect(harness.fileSources()["cam-1"] == Fixture.url("expired"))
            await running.sync.requestReconcile()
            #expect(await eventually { harness.fileSources()["cam-1"] == Fixture.url("fresh") })
            #expect(await running.sync.status.externalChangesRestored >= 1)
        }
    }

    /// The defect: the sync wrote without re-checking its lease, so one that lost it (stalled
    /// past its TTL while a standby took over) could still replace the file.
    @Test func aSyncThatLostItsLeaseDoesNotReplaceTheFile() async throws {
        let harness = try await SyncHarness.make([ManagedPath(name: "cam-1", source: Fixture.url("a"))])
        // Renewals far apart: the sync only learns of the loss from its fence.
        let running = RunningSync(
            await harness.sync {
                $0.leaseTTL = .seconds(30)
                $0.leaseRenewInterval = .seconds(20)
            })
        try await withTeardown({
            await running.stop()
            await harness.close()
        }) {
            #expect(await eventually { await harness.converged(["cam-1": Fixture.url("a")]) })
            try await harness.redis.set(harness.keys.mediamtxLease, "another-sync", ttl: .seconds(30))
            let writes = await running.sync.fileWrites
            await harness.source.set([ManagedPath(name: "cam-1", source: Fixture.url("b"))])
            await running.sync.requestReconcile()
            // The round that wants to write b finds the lease gone right before the rename.
            #expect(await eventually { await running.sync.status.lastProblem?.contains("lease") == true })
            #expect(harness.fileSources()["cam-1"] == Fixture.url("a"), "the file is left to the lease holder")
            #expect(await harness.double.sources()["cam-1"] == Fixture.url("a"), "and so is MediaMTX")
            #expect(await running.sync.fileWrites == writes)
        }
    }
}
