import Foundation
import Synchronization

/// A `lookout` role started by a benchmark as its own process (the load generator must not
/// share the process it measures), with readings of its memory and CPU from /proc.
///
/// Started with `posix_spawn`, not Foundation's `Process`: the gateway bench restarts the
/// gateway while its ~19,000 agents hold almost every file descriptor the sandbox allows, and
/// `Process.run()` traps when it cannot open its internal pipes. Here the log file is the only
/// descriptor opened, and the child closes every inherited one above stderr.
final class BenchProcess: Sendable {
    let pid: pid_t
    let logPath: String
    private let exitStatus = Mutex<Int32?>(nil)

    init(arguments: [String], environment: [String: String], name: String) throws {
        logPath = NSTemporaryDirectory() + "lookout-bench-\(name)-\(getpid()).log"
        let log = open(logPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard log >= 0 else { throw BenchError("cannot open \(logPath): errno \(errno)") }
        defer { close(log) }
        guard let closeFrom = Self.closeFrom else { throw BenchError("benchmarks need glibc 2.34 or later (posix_spawn_file_actions_addclosefrom_np)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, log, 1)
        posix_spawn_file_actions_adddup2(&actions, log, 2)
        _ = closeFrom(&actions, 3)

        let executable = Self.ownExecutable
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard result == 0 else { throw BenchError("cannot start \(name): posix_spawn error \(result)") }
        self.pid = pid
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which Swift's Glibc module
    /// does not export: the child must not inherit the agents' sockets.
    static let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    /// This binary: roles are subcommands of the same executable.
    static var ownExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Reaps the child once it has exited.
    var isRunning: Bool {
        exitStatus.withLock { status in
            guard status == nil else { return false }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, WNOHANG) == pid else { return true }
            status = raw
            return false
        }
    }

    func terminate() async {
        guard isRunning else { return }
        Foundation.kill(pid, SIGTERM)
        await waitForExit()
    }

    func kill() async {
        guard isRunning else { return }
        Foundation.kill(pid, SIGKILL)
        await waitForExit()
    }

    func waitForExit() async {
        while isRunning { try? await Task.sleep(for: .milliseconds(20)) }
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
        if isRunning { Foundation.kill(pid, SIGKILL) }
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
