import AsyncHTTPClient
import Foundation
import NIOCore

/// Debian's `haproxy` in front of a bench's gateways, configured by `deploy/haproxy/render.sh`
/// (as compose, systemd hosts and the rolling-restart test are), plus a CSV stats page to see
/// which gateways it holds up.
final class BenchHAProxy: Sendable {
    let port: Int
    let statsPort: Int
    private let process: Process

    init(renderer: String, gateways: [Int]) throws {
        guard let binary = ["/usr/sbin/haproxy", "/usr/local/sbin/haproxy", "/usr/bin/haproxy"].first(where: FileManager.default.isExecutableFile)
        else { throw BenchError("haproxy is not installed (apt-get install haproxy; scripts/servers.sh does it)") }
        port = freePort()
        statsPort = freePort()
        let config = try Self.render(renderer, arguments: ["--listen", "127.0.0.1:\(port)"] + gateways.map { "127.0.0.1:\($0)" })
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

    /// `render.sh ARGUMENTS…`'s output (the configuration).
    static func render(_ renderer: String, arguments: [String]) throws -> String {
        let render = Process()
        render.executableURL = URL(fileURLWithPath: renderer)
        render.arguments = arguments
        let output = Pipe()
        render.standardOutput = output
        try render.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        render.waitUntilExit()
        guard render.terminationStatus == 0 else { throw BenchError("\(renderer) failed (exit \(render.terminationStatus))") }
        return String(decoding: data, as: UTF8.self)
    }

    /// How many servers of `backend gateways` HAProxy holds `UP`.
    func upServers() async -> Int {
        // AsyncHTTPClient, not URLSession: FoundationNetworking would link libcurl (and its
        // dozen libraries) into the lookout binary the image ships.
        guard let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(statsPort)/stats;csv"), timeout: .seconds(5)),
            let body = try? await response.body.collect(upTo: 1 << 20)
        else { return 0 }
        return String(buffer: body).split(separator: "\n").filter { line in
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
