import Foundation
import LookoutTestSupport

/// Debian's `chromium`, headless, with its DevTools protocol on a port it picks itself (read
/// from `DevToolsActivePort` in its own profile folder, with the browser's WebSocket path).
/// Runs as root, so without the sandbox.
final class HeadlessChromium: @unchecked Sendable {
    static let executable = "/usr/bin/chromium"

    private let process: Process
    private let profile: String
    let port: Int
    /// The browser-wide DevTools session (creates pages).
    private let browser: DevToolsPage

    private init(process: Process, profile: String, port: Int, browserPath: String) {
        self.process = process
        self.profile = profile
        self.port = port
        browser = DevToolsPage(url: "ws://127.0.0.1:\(port)\(browserPath)")
    }

    static func launch(width: Int = 1400, height: Int = 900) async throws -> HeadlessChromium {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw BrowserError("\(executable) is missing: apt-get install -y chromium (make test installs it)")
        }
        let profile = NSTemporaryDirectory() + "lookout-chromium-\(UInt32.random(in: .min ... .max))"
        try FileManager.default.createDirectory(atPath: profile, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--disable-component-update", "--remote-debugging-port=0",
            // The WebSocket client sends an Origin header; DevTools refuses unlisted origins.
            "--remote-allow-origins=*",
            "--user-data-dir=\(profile)", "--window-size=\(width),\(height)", "about:blank",
        ]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let portFile = profile + "/DevToolsActivePort"
        // The file is complete once it has both lines: the port and the browser's path.
        let found = await eventually(timeout: .seconds(20), every: .milliseconds(100)) {
            (try? String(contentsOfFile: portFile, encoding: .utf8))?.split(separator: "\n").count == 2
        }
        let lines = ((try? String(contentsOfFile: portFile, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        guard found, lines.count == 2, let port = Int(lines[0]) else {
            process.terminate()
            throw BrowserError("chromium did not open its DevTools port")
        }
        return HeadlessChromium(process: process, profile: profile, port: port, browserPath: lines[1])
    }

    /// A new tab, and a DevTools session attached to it.
    func page() async throws -> DevToolsPage {
        let created = try await browser.send("Target.createTarget", ["url": "about:blank"])
        guard let target = created["targetId"] as? String else { throw BrowserError("chromium created no page: \(created)") }
        return DevToolsPage(url: "ws://127.0.0.1:\(port)/devtools/page/\(target)")
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: profile)
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}
