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
        // Read before waiting: a full pipe would otherwise block the child.
        async let stdout = Task.detached { out.fileHandleForReading.readDataToEndOfFile() }.value
        async let stderr = Task.detached { err.fileHandleForReading.readDataToEndOfFile() }.value
        let (outData, errData) = await (stdout, stderr)
        await Task.detached { process.waitUntilExit() }.value
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
