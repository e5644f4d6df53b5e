import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Debian's `haproxy` in front of a bench's gateways, from `deploy/haproxy/haproxy.cfg.template`
/// (rendered as the rolling-restart test does: `{{BIND}}`, `{{SERVERS}}`), plus a CSV stats
/// page to see which gateways it holds up.
final class BenchHAProxy: Sendable {
    let port: Int
    let statsPort: Int
    private let process: Process

    init(template path: String, gateways: [Int]) throws {
        guard let binary = ["/usr/sbin/haproxy", "/usr/local/sbin/haproxy", "/usr/bin/haproxy"].first(where: FileManager.default.isExecutableFile)
        else { throw BenchError("haproxy is not installed (apt-get install haproxy; scripts/servers.sh does it)") }
        let template = try String(contentsOfFile: path, encoding: .utf8)
        port = freePort()
        statsPort = freePort()
        let servers = gateways.enumerated().map { "    server gw\($0.offset + 1) 127.0.0.1:\($0.element) check" }.joined(separator: "\n")
        let config = template.replacingOccurrences(of: "{{BIND}}", with: "127.0.0.1:\(port)").replacingOccurrences(of: "{{SERVERS}}", with: servers)
            + "\nfrontend stats\n    bind 127.0.0.1:\(statsPort)\n    stats enable\n    stats uri /stats\n"
        let configPath = NSTemporaryDirectory() + "lookout-bench-haproxy-\(getpid()).cfg"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-db", "-f", configPath]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// How many servers of `backend gateways` HAProxy holds `UP`.
    func upServers() async -> Int {
        guard let url = URL(string: "http://127.0.0.1:\(statsPort)/stats;csv"), let (data, _) = try? await URLSession.shared.data(from: url) else { return 0 }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").filter { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            return fields.count > 17 && fields[0] == "gateways" && fields[1].hasPrefix("gw") && fields[17].hasPrefix("UP")
        }.count
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
