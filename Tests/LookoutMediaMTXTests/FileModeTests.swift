import Foundation
import LookoutCore
import LookoutMediaMTX
import LookoutMediaMTXSimulator
import LookoutTestSupport
import Testing

/// `mediamtx.yml` holds signed RTMP URLs: the sync writes it (and its temporary file and sidecar)
/// 0600, or 0640 with a group, and reports and replaces a file it finds more open.
@Suite("MediaMTX config file permissions", .timeLimit(.minutes(1)))
struct FileModeTests {
    static func mode(_ path: String) -> Int? {
        try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    }

    @Test func aSyncWriteLeavesTheFileAndItsSidecarReadableByTheOwnerAlone() async throws {
        let harness = try await SyncHarness.make([ManagedPath(name: "cam-1", source: Fixture.url("a"))], baseYAML: "paths:\n")
        let running = RunningSync(await harness.sync())
        #expect(await eventually { await harness.converged(["cam-1": Fixture.url("a")]) })
        await running.stop()
        #expect(Self.mode(harness.configPath) == 0o600, "mediamtx.yml: \(String(Self.mode(harness.configPath) ?? 0, radix: 8))")
        #expect(Self.mode(harness.configPath + ".managed") == 0o600)
        await harness.close()
    }

    @Test func anOpenFileIsReportedAndReplacedEvenWhenItsContentsStayTheSame() async throws {
        let harness = try await SyncHarness.make([ManagedPath(name: "cam-1", source: Fixture.url("a"))], baseYAML: "paths:\n")
        _ = chmod(harness.configPath, 0o644)
        let capture = LogCapture()
        let running = RunningSync(await harness.sync(logger: capture.logger()))
        #expect(await eventually { await harness.converged(["cam-1": Fixture.url("a")]) })
        #expect(await eventually { Self.mode(harness.configPath) == 0o600 })
        #expect(await running.sync.status.looseFileModesFound >= 1)
        #expect(capture.all.contains { $0.hasPrefix("warning") && $0.contains("readable by more users") && $0.contains("0644") })

        // Opened up again by hand, with nothing else to change: the next round still fixes it.
        let writes = await running.sync.fileWrites
        _ = chmod(harness.configPath, 0o604)
        await running.sync.requestReconcile()
        #expect(await eventually { Self.mode(harness.configPath) == 0o600 })
        #expect(await eventually { await running.sync.fileWrites == writes + 1 })
        #expect(await eventually { await running.sync.status.looseFileMode == nil })
        #expect(!capture.all.contains { $0.contains("rtmp://") })
        await running.stop()
        await harness.close()
    }

    @Test func aGroupSettingGivesTheGroupReadAccessAndNoMore() throws {
        let folder = try Fixture.configFolder("paths:\n")
        let path = folder + "/mediamtx.yml"
        _ = chmod(path, 0o666)
        let permissions = FilePermissions.groupReadable(getegid())
        try AtomicFile.write("paths:\n", to: path, permissions: permissions)
        var status = stat()
        #expect(stat(path, &status) == 0)
        #expect(status.st_mode & 0o7777 == 0o640)
        #expect(status.st_gid == getegid())
        #expect(!permissions.isLooser(0o640) && permissions.isLooser(0o644) && permissions.isLooser(0o660))
        #expect(FilePermissions.ownerOnly.isLooser(0o640) && !FilePermissions.ownerOnly.isLooser(0o400))
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// A watcher lists the folder while 100 writes run and stats every temporary file it sees: none
    /// is ever more open than 0600 (the file is created with its mode, not chmod'ed afterwards).
    @Test func temporaryFilesAreNeverMoreOpenThanTheTarget() async throws {
        let folder = try Fixture.configFolder("paths:\n")
        let path = folder + "/mediamtx.yml"
        _ = chmod(path, 0o644)
        let big = String(repeating: "# padding line so the write takes a while\n", count: 10_000)
        let watcher = Task.detached { () -> (seen: Int, open: Int) in
            var seen = 0
            var open = 0
            while !Task.isCancelled {
                for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.contains(".tmp-") {
                    var status = stat()
                    guard stat(folder + "/" + name, &status) == 0 else { continue }
                    seen += 1
                    if status.st_mode & 0o077 != 0 { open += 1 }
                }
            }
            return (seen, open)
        }
        for generation in 0..<100 { try AtomicFile.write("generation: \(generation)\n" + big, to: path) }
        watcher.cancel()
        let result = await watcher.value
        print("stat of temporary files during 100 writes: \(result.seen), more open than 0600: \(result.open)")
        #expect(result.open == 0)
        #expect(Self.mode(path) == 0o600)
        try? FileManager.default.removeItem(atPath: folder)
    }

    @Test(arguments: ["all", "all_others"])
    func mediamtxReservedNamesAreNeverManaged(name: String) {
        #expect(throws: MediaMTXConfigError.self) { try MediaMTXValidation.checkPathName(name) }
        #expect(MediaMTXReservedPathNames.contains(name))
    }

    @Test func namesThatOnlyContainAReservedWordAreFine() throws {
        for name in ["all2", "site/all", "all_others-cam", "All"] { try MediaMTXValidation.checkPathName(name) }
    }

    @Test func aCameraNamedAllIsSkippedBySyncAndNeverWritten() async throws {
        let harness = try await SyncHarness.make(
            [ManagedPath(name: "all", source: Fixture.url("x")), ManagedPath(name: "cam-1", source: Fixture.url("a"))], baseYAML: "paths:\n")
        let running = RunningSync(await harness.sync())
        #expect(await eventually { await harness.converged(["cam-1": Fixture.url("a")]) })
        #expect(harness.fileSources()["all"] == nil)
        #expect(await harness.double.sources()["all"] == nil)
        await running.stop()
        await harness.close()
    }
}
