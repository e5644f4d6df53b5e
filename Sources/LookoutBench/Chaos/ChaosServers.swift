import Foundation

/// The Redis and PostgreSQL a chaos run may kill, pause and stop: they belong to the script that
/// started them (scripts/chaos.sh), which hands over a control command taking one verb
/// (scripts/chaos-servers.sh: `redis-kill`, `redis-start`, `redis-stop`, `redis-pause`,
/// `redis-resume`, `pg-stop`, `pg-start`).
struct ChaosServers: Sendable {
    /// The control command, split on spaces (`bash scripts/chaos-servers.sh`).
    let command: [String]

    func run(_ verb: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command + [verb]
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("\(command.joined(separator: " ")) \(verb) exited with \(process.terminationStatus)") }
    }
}

/// Runs `arguments` (found on PATH) and returns its standard output, or nil when it fails.
func commandOutput(_ arguments: [String], timeout: Duration = .seconds(5)) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["timeout", "\(Int(timeout.seconds))"] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    return String(decoding: data, as: UTF8.self)
}
