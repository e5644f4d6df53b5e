import Foundation

/// Debian's `haproxy` in the foreground, configured by `deploy/haproxy/render.sh`
/// with one frontend port in front of the given gateway ports, plus a CSV stats page the test
/// reads to see which gateways the proxy holds up. Stop it with ``stop()`` (withTeardown); a
/// process left running is killed when this object goes away.
public final class HAProxyProcess: @unchecked Sendable {
    public let port: Int
    public let statsPort: Int
    public let configPath: String
    private let process: Process
    private let logPath: String

    /// `/usr/sbin/haproxy` (Debian), or the first `haproxy` on PATH; nil when not installed
    /// (scripts/servers.sh installs it).
    public static var binary: String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/haproxy" }
        return (["/usr/sbin/haproxy"] + path).first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// `deploy/haproxy/render.sh`: the one renderer of the template, as compose and systemd hosts use it.
    public static var rendererPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("deploy/haproxy/render.sh").path
    }

    /// The configuration for one frontend on `port` in front of `gateways` (loopback ports).
    public static func render(port: Int, gateways: [Int]) async throws -> String {
        let result = try await ChildProcess.run(rendererPath, ["--listen", "127.0.0.1:\(port)"] + gateways.map { "127.0.0.1:\($0)" })
        guard result.status == 0 else { throw SystemError(message: "render.sh failed: \(result.stderr)") }
        return result.stdout
    }

    /// Starts HAProxy and waits until it accepts on its port.
    public static func start(gateways: [Int], name: String = #function) async throws -> HAProxyProcess {
        guard let binary else { throw SystemError(message: "haproxy is not installed (scripts/servers.sh installs it)") }
        let port = try TestEnvironment.freePort()
        let statsPort = try TestEnvironment.freePort()
        // The stats page is the test's own addition, not the template's.
        let config = try await render(port: port, gateways: gateways) + """

            frontend stats
                bind 127.0.0.1:\(statsPort)
                stats enable
                stats uri /stats

            """
        let proxy = try HAProxyProcess(binary: binary, config: config, port: port, statsPort: statsPort, name: name)
        guard await eventually(timeout: .seconds(10), { RedisServerProcess.accepts(port: port) }) else {
            let log = proxy.log
            await proxy.stop()
            throw SystemError(message: "haproxy did not start:\n\(log)")
        }
        return proxy
    }

    private init(binary: String, config: String, port: Int, statsPort: Int, name: String) throws {
        let base = NSTemporaryDirectory() + "lookout-haproxy-\(TestEnvironment.uniqueName(name))"
        configPath = base + ".cfg"
        logPath = base + ".log"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        self.port = port
        self.statsPort = statsPort
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        // -db: foreground, no daemon; -W would add a master process to stop as well.
        process.arguments = ["-db", "-f", configPath]
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    /// The servers of `backend gateways` HAProxy holds `UP`, by name (`gw1`…).
    public func upServers() async -> Set<String> {
        guard let result = try? await ChildProcess.run("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(statsPort)/stats;csv"]) else { return [] }
        var up: Set<String> = []
        for line in result.stdout.split(separator: "\n") {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            // pxname, svname, …, status is the 18th column.
            if fields.count > 17, fields[0] == "gateways", fields[1].hasPrefix("gw"), fields[17].hasPrefix("UP") { up.insert(String(fields[1])) }
        }
        return up
    }

    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    public func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        await offPool { self.process.waitUntilExit() }
        try? FileManager.default.removeItem(atPath: configPath)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
