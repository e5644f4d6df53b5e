import Foundation
import LookoutMediaMTX
import Synchronization
import Testing
import Yams

@Suite("Atomic, coalesced writes of mediamtx.yml", .timeLimit(.minutes(1)))
struct AtomicWriteTests {
    /// A big file, so a torn write would be likely to be seen.
    static func config(_ generation: Int) -> String {
        var text = "logLevel: info\ngeneration: \(generation)\npaths:\n"
        for index in 0..<100 { text += "  cam-\(index):\n    source: \"\(Fixture.url("g\(generation)-\(index)"))\"\n" }
        return text
    }

    @Test func aReaderLoopNeverSeesABrokenFileDuring50RapidWrites() async throws {
        let folder = try Fixture.configFolder(Self.config(0))
        let path = folder + "/mediamtx.yml"
        let stop = Atomic<Bool>(false)
        let reader = Task.detached { () -> (reads: Int, broken: Int) in
            var reads = 0
            var broken = 0
            while !stop.load(ordering: .relaxed) {
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    broken += 1
                    continue
                }
                reads += 1
                let parsed = (try? Yams.load(yaml: text)) as? [String: Any]
                if (parsed?["paths"] as? [String: Any])?.count != 100 { broken += 1 }
            }
            return (reads, broken)
        }
        for generation in 1...50 {
            try AtomicFile.write(Self.config(generation), to: path)
            try await Task.sleep(for: .milliseconds(5))
        }
        try await Task.sleep(for: .milliseconds(50))
        stop.store(true, ordering: .relaxed)
        let result = await reader.value
        #expect(result.reads >= 20, "the reader must have raced the writer")
        #expect(result.broken == 0)
        let final = try #require(try Yams.load(yaml: String(contentsOfFile: path, encoding: .utf8)) as? [String: Any])
        #expect(final["generation"] as? Int == 50)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "no temporary files are left behind")
    }

    @Test func aBurstOfWritesIsCoalescedToAtMostOnePerSecondAndEndsWithTheLatest() async throws {
        let folder = try Fixture.configFolder("paths:\n")
        let path = folder + "/mediamtx.yml"
        let writer = CoalescingFileWriter(path: path, minInterval: .seconds(1))
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for generation in 1...50 {
                group.addTask { try await writer.write(Self.config(generation)) }
                try await Task.sleep(for: .milliseconds(20))
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - start
        let writes = await writer.writeCount
        // 50 calls over ~1 s: the first goes out at once, the rest share one slot a second later.
        #expect(writes >= 2)
        #expect(Double(writes) <= (elapsed / .seconds(1)).rounded(.down) + 1, "at most one write per second (\(writes) in \(elapsed))")
        let final = try #require(try Yams.load(yaml: String(contentsOfFile: path, encoding: .utf8)) as? [String: Any])
        #expect(final["generation"] as? Int == 50, "every caller returns only once the latest contents are on disk")
    }

    @Test func identicalContentsAreNotWrittenAgain() async throws {
        let folder = try Fixture.configFolder("paths:\n")
        let writer = CoalescingFileWriter(path: folder + "/mediamtx.yml", minInterval: .milliseconds(10))
        try await writer.write(Self.config(1))
        try await writer.write(Self.config(1))
        #expect(await writer.writeCount == 1)
    }

    @Test func theWriteGivesTheFileItsConfiguredPermissionsWhateverItHadBefore() throws {
        let folder = try Fixture.configFolder("paths:\n")
        let path = folder + "/mediamtx.yml"
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        try AtomicFile.write("paths:\n", to: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
