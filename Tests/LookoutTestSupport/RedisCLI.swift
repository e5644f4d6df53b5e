import Foundation

/// `redis-cli` against the test Redis: a second, independent client for tests that set up or
/// inspect Redis state behind the system's back.
public struct RedisCLI: Sendable {
    let host: String
    let port: String

    public init(url: String) throws {
        let authority = url.replacingOccurrences(of: "redis://", with: "").split(separator: "/").first ?? ""
        let parts = authority.split(separator: ":")
        host = String(parts.first ?? "127.0.0.1")
        port = parts.count > 1 ? String(parts[1]) : "6379"
    }

    @discardableResult
    public func run(_ arguments: [String]) async throws -> String {
        let result = try await ChildProcess.run("/usr/bin/redis-cli", ["-h", host, "-p", port] + arguments)
        guard result.status == 0 else { throw SystemError(message: "redis-cli \(arguments.first ?? ""): \(result.stderr)") }
        return result.stdout
    }

    /// Sends many commands, one per line, through one `redis-cli` (pipelined).
    public func pipe(_ commands: String) async throws {
        let path = NSTemporaryDirectory() + "lookout-redis-\(UInt32.random(in: .min ... .max)).txt"
        try commands.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await ChildProcess.run("/bin/sh", ["-c", "/usr/bin/redis-cli -h \(host) -p \(port) < \(path) > /dev/null"])
        guard result.status == 0 else { throw SystemError(message: "redis-cli pipe: \(result.stderr)") }
    }
}
