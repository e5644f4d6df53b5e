import Foundation

/// Runs a program to completion and captures what it printed.
public struct ChildProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

public enum ChildProcess {
    /// Runs `executable` with `arguments`; `environment` replaces the inherited one entirely
    /// when given, so tests control exactly which settings are set.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) async throws -> ChildProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Reading and waiting block a thread: do it on Dispatch's threads, never on Swift's
        // cooperative pool (two threads here), which the code under test needs.
        async let stdout = offPool { out.fileHandleForReading.readDataToEndOfFile() }
        async let stderr = offPool { err.fileHandleForReading.readDataToEndOfFile() }
        let (outData, errData) = await (stdout, stderr)
        await offPool { process.waitUntilExit() }
        return ChildProcessResult(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs the `lookout` binary with only the given environment (plus PATH and HOME).
    public static func lookout(_ arguments: [String], environment: [String: String] = [:]) async throws -> ChildProcessResult {
        var base = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        base.merge(environment) { $1 }
        return try await run(TestEnvironment.lookoutBinary, arguments, environment: base)
    }
}

/// Runs a blocking call on a Dispatch thread and awaits its result.
func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: body()) }
    }
}
