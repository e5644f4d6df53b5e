import Foundation

/// A `lookout` role started by a benchmark as its own process (the load generator must not
/// share the process it measures), with readings of its memory and CPU from /proc.
final class BenchProcess: @unchecked Sendable {
    let process = Process()
    let logPath: String

    init(arguments: [String], environment: [String: String], name: String) throws {
        logPath = NSTemporaryDirectory() + "lookout-bench-\(name)-\(getpid()).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: Self.ownExecutable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    /// This binary: roles are subcommands of the same executable.
    static var ownExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    var pid: Int32 { process.processIdentifier }

    func terminate() async {
        guard process.isRunning else { return }
        process.terminate()
        await waitForExit()
    }

    func kill() async {
        guard process.isRunning else { return }
        Foundation.kill(pid, SIGKILL)
        await waitForExit()
    }

    func waitForExit() async {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }

    /// Resident memory in bytes (`VmRSS`).
    var residentBytes: Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
    }

    /// CPU time used so far (user + system), from /proc/PID/stat.
    var cpuTime: Duration {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return .zero }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command name: state is field 3; utime and stime are fields 14 and 15.
        let ticks = (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
        return .milliseconds(ticks * 1000 / Int(sysconf(Int32(_SC_CLK_TCK))))
    }

    var logTail: String {
        String(((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").suffix(3000))
    }

    deinit {
        if process.isRunning { Foundation.kill(pid, SIGKILL) }
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on now (bound to port 0 and read back).
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0 }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
