import Foundation
import Testing

@testable import LookoutGateway

/// The dashboard page's handling of the feed, run in Node with the DOM and the socket stubbed:
/// repeats skipped, a gap or another epoch makes it reconnect with its position, a snapshot
/// mid-session replaces its state. (The browser test drives the page end to end.)
@Suite struct DashboardScriptFeedTests {
    static let node = ["/usr/bin/node", "/usr/local/bin/node"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The connection section of `Assets/dashboard.js` (between its `// ── connection` and
    /// `// ── rendering` markers), without the file's wrapper, so the test can call into it.
    static func connectionSection() throws -> String {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/LookoutGateway/Dashboard/Assets/dashboard.js")
        let text = try String(contentsOf: file, encoding: .utf8)
        let start = try #require(text.range(of: "// ── connection")).lowerBound
        let end = try #require(text.range(of: "// ── rendering")).lowerBound
        return String(text[start..<end])
    }

    @Test(.enabled(if: node != nil, "needs node")) func gapsAndEpochsMakeThePageReconnectWithItsPosition() throws {
        let script = try Self.connectionSection() + #"""
            let reconnects = 0;
            function renderAll() {} function renderNVR() {} function removeNVR() {} function addAlert() {} function wantUptime() {}
            setLive = () => {}; closeSocket = () => {}; connect = () => { reconnects++; }; scheduleReconnect = () => { reconnects++; };
            const check = (condition, what) => { if (!condition) { console.log('FAILED: ' + what); process.exit(1); } };
            handle({ type: 'snapshot', seq: 5, epoch: 'e1', nvrs: [{ id: 1, status: 'online' }] });
            handle({ seq: 6, epoch: 'e1', type: 'alert' });
            check(state.lastSeq === 6 && reconnects === 0, 'the next one is applied');
            handle({ seq: 6, epoch: 'e1', type: 'alert' });
            check(reconnects === 0, 'a repeat is skipped');
            handle({ seq: 8, epoch: 'e1', type: 'nvr', nvr: { id: 2, status: 'online' } });
            check(reconnects === 1 && state.lastSeq === 6 && !state.nvrs.has(2), 'a gap: reconnect from 6, nothing applied');
            handle({ seq: 1, epoch: 'e2', type: 'nvr', nvr: { id: 2, status: 'online' } });
            check(reconnects === 2 && state.epoch === 'e1', 'another epoch without a snapshot: reconnect');
            handle({ type: 'snapshot', seq: 0, epoch: 'e2', nvrs: [{ id: 3, status: 'offline' }] });
            check(state.nvrs.size === 1 && state.nvrs.has(3) && state.epoch === 'e2' && state.lastSeq === 0, 'a snapshot mid-session replaces the state');
            handle({ seq: 1, epoch: 'e2', type: 'nvr', nvr: { id: 3, status: 'online' } });
            check(reconnects === 2 && state.nvrs.get(3).status === 'online', 'numbering goes on from the snapshot');
            console.log('ok');
            """#
        let file = NSTemporaryDirectory() + "dashboard-feed-\(UUID().uuidString).js"
        try script.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.node))
        process.arguments = [file]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0 && text.hasSuffix("ok\n"), "\(text)")
    }
}
