import Foundation

/// A `lookout` role (gateway, worker) running as a separate process, as in production: it can
/// be stopped gracefully (SIGTERM) or killed (SIGKILL). Its output goes to a log file that a
/// failing test prints.
public final class LookoutProcess: @unchecked Sendable {
    public let name: String
    public let logPath: String
    private let process: Process

    /// `executable`: another program than the build's `lookout` (e.g. `chroot` around a packaged
    /// one); `inheritingPath`: false for exactly `environment`, as `env -i` would.
    public init(
        name: String, executable: String = TestEnvironment.lookoutBinary, arguments: [String], environment: [String: String],
        inheritingPath: Bool = true
    ) throws {
        self.name = name
        logPath = NSTemporaryDirectory() + "lookout-\(name)-\(UInt32.random(in: .min ... .max)).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var base = inheritingPath ? ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": NSTemporaryDirectory()] : [:]
        base.merge(environment) { $1 }
        process.environment = base
        process.standardOutput = log
        process.standardError = log
        process.currentDirectoryURL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        try process.run()
    }

    public var isRunning: Bool { process.isRunning }
    public var pid: Int32 { process.processIdentifier }

    /// SIGTERM, then waits for the graceful shutdown.
    public func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        await offPool { self.process.waitUntilExit() }
    }

    /// SIGKILL: no goodbye to anyone, as in a crash.
    public func kill() async {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        await offPool { self.process.waitUntilExit() }
    }

    public var log: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    deinit {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }
}
