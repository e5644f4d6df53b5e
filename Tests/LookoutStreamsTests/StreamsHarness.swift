import Foundation
import LookoutTestSupport

/// The streams side for one test: the Hik-Connect cloud simulator and the MediaMTX double as
/// processes (`lookout simulate …`), a copy of mediamtx.yml with a hand-written path, and the
/// settings that point a LookoutSystem at them.
final class StreamsHarness: @unchecked Sendable {
    let system: LookoutSystem
    let cloudPort: Int
    let mediamtxPort: Int
    let configPath: String
    let cloud: LookoutProcess
    let mediamtx: LookoutProcess

    static func start(cloudArguments: [String] = [], _ name: String = #function) async throws -> StreamsHarness {
        let cloudPort = try TestEnvironment.freePort()
        let mediamtxPort = try TestEnvironment.freePort()
        let folder = NSTemporaryDirectory() + "lookout-streams-\(UInt32.random(in: .min ... .max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let configPath = folder + "/mediamtx.yml"
        // The project's base config plus a path Lookout does not manage: it must survive every write.
        let base = try String(contentsOfFile: FileManager.default.currentDirectoryPath + "/mediamtx.yml", encoding: .utf8)
        try (base + "  handwritten:\n    source: rtsp://192.0.2.10:554/ops\n").write(toFile: configPath, atomically: true, encoding: .utf8)
        let environment = [
            "HIKVISION_APP_KEY": "sim-app-key", "HIKVISION_SECRET": "sim-secret-key", "HIKVISION_BASE_URL": "http://127.0.0.1:\(cloudPort)",
            "LOOKOUT_MEDIAMTX_API_URL": "http://127.0.0.1:\(mediamtxPort)", "LOOKOUT_MEDIAMTX_CONFIG": configPath,
        ]
        let system = try await LookoutSystem.start(heartbeatSeconds: 10, environment: environment, name)
        let cloud = try LookoutProcess(
            name: "hik-cloud", arguments: ["simulate", "hik-cloud", "--port", String(cloudPort)] + cloudArguments, environment: system.environment)
        let mediamtx = try LookoutProcess(
            name: "mediamtx", arguments: ["simulate", "mediamtx", "--port", String(mediamtxPort)], environment: system.environment)
        for port in [cloudPort, mediamtxPort] {
            guard await eventually(timeout: .seconds(20), { RedisServerProcess.accepts(port: port) }) else {
                throw SystemError(message: "simulator did not start:\n\(cloud.log)\n\(mediamtx.log)")
            }
        }
        return StreamsHarness(system: system, cloudPort: cloudPort, mediamtxPort: mediamtxPort, configPath: configPath, cloud: cloud, mediamtx: mediamtx)
    }

    init(system: LookoutSystem, cloudPort: Int, mediamtxPort: Int, configPath: String, cloud: LookoutProcess, mediamtx: LookoutProcess) {
        self.system = system
        self.cloudPort = cloudPort
        self.mediamtxPort = mediamtxPort
        self.configPath = configPath
        self.cloud = cloud
        self.mediamtx = mediamtx
    }

    /// Worker files for fast cycles: 20-second URLs renew after 14 s.
    static func workerFiles(renewal: String = "", sync: Bool = true) -> [String: String] {
        var files = [
            "renewal.yml": "kind: renewal\nconcurrency: 4\nrequestedLifetime: 20s\nlease: 6s\nexpiryMargin: 2s\nretryInitial: 1s\nretryMaximum: 3s\n" + renewal
        ]
        if sync { files["sync.yml"] = "kind: mediamtx-sync\nlease: 3s\nreconcileEvery: 2s\nminWriteInterval: 1s\nswapDeadlineBeforeExpiry: 4s\n" }
        return files
    }

    func cloudJSON(_ path: String, method: String = "GET", body: String? = nil) async throws -> [String: Any] {
        try await http(port: cloudPort, path, method: method, body: body)
    }

    func mediamtxJSON(_ path: String, method: String = "GET", body: String? = nil) async throws -> [String: Any] {
        try await http(port: mediamtxPort, path, method: method, body: body)
    }

    private func http(port: Int, _ path: String, method: String, body: String?) async throws -> [String: Any] {
        var arguments = ["-s", "-X", method, "http://127.0.0.1:\(port)\(path)"]
        if let body { arguments += ["-H", "Content-Type: application/json", "-d", body] }
        let result = try await ChildProcess.run("/usr/bin/curl", arguments)
        return (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    /// The sources MediaMTX (the double) holds now, by path name.
    func mediamtxSources() async throws -> [String: String] {
        let list = try await mediamtxJSON("/v3/config/paths/list?itemsPerPage=1000")
        var sources: [String: String] = [:]
        for item in list["items"] as? [[String: Any]] ?? [] {
            if let name = item["name"] as? String, let source = item["source"] as? String { sources[name] = source }
        }
        return sources
    }

    func shutdown() async {
        await cloud.stop()
        await mediamtx.stop()
        await system.shutdown()
    }
}

/// The `expire=` (Unix seconds) of a simulator URL.
func expiry(of url: String) -> Int64? {
    guard let range = url.range(of: "expire=") else { return nil }
    return Int64(url[range.upperBound...].prefix { $0.isNumber })
}

func nowSeconds() -> Int64 { Int64(Date().timeIntervalSince1970) }
