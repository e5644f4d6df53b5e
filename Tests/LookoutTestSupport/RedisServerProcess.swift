import Foundation

/// A private redis-server on its own port, for tests that stop and restart Redis under a client
/// without disturbing the shared test server.
public final class RedisServerProcess: @unchecked Sendable {
    public let port: Int
    private let directory: String
    private var process: Process?

    public init() throws {
        port = try TestEnvironment.freePort()
        directory = NSTemporaryDirectory() + "lookout-redis-\(port)-\(UInt32.random(in: .min ... .max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    public var url: String { "redis://127.0.0.1:\(port)/0" }

    /// Starts the server and waits until it accepts connections.
    public func start() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.which("redis-server"))
        process.arguments = ["--bind", "127.0.0.1", "--port", String(port), "--dir", directory, "--save", "", "--appendonly", "no"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        for _ in 0..<100 {
            if Self.accepts(port: port) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw POSIXError(.ETIMEDOUT)
    }

    /// Kills the server (SIGKILL: no goodbye to its clients) and waits until it is gone.
    public func kill() async {
        guard let process else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        await offPool { process.waitUntilExit() }
        self.process = nil
    }

    /// Freezes the server (SIGSTOP), as a hung or swapped-out Redis: its sockets stay open and
    /// accept bytes, but nothing is answered until ``resume()``.
    public func pause() {
        guard let process else { return }
        Foundation.kill(process.processIdentifier, SIGSTOP)
    }

    /// Lets a paused server run again (SIGCONT); it answers what was sent to it meanwhile.
    public func resume() {
        guard let process else { return }
        Foundation.kill(process.processIdentifier, SIGCONT)
    }

    deinit {
        if let process { Foundation.kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func which(_ name: String) throws -> String {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw POSIXError(.ENOENT)
    }

    public static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
