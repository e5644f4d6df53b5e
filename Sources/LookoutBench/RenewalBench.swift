import Foundation
public import Logging
import LookoutCore

/// `lookout bench renewal --cameras N`: N cameras discovered from the cloud simulator (5 req/s
/// enforced), renewed by renewal workers while the MediaMTX sync keeps the MediaMTX double and
/// mediamtx.yml in step. Reports the achieved request rate against the 5 req/s limit, rate-limit
/// errors, total time, and mediamtx.yml writes per second (at most 1 allowed).
public struct RenewalBench: Sendable {
    public var cameras: Int
    public var workers: Int
    public var redisURL: String
    public var databaseURL: String
    public var logger: Logger

    public init(cameras: Int, workers: Int, redisURL: String, databaseURL: String, logger: Logger) {
        self.cameras = cameras
        self.workers = workers
        self.redisURL = redisURL
        self.databaseURL = databaseURL
        self.logger = logger
    }

    public func run() async throws {
        try await BenchCleanup.around(measure)
    }

    private func measure(_ cleanup: BenchCleanup) async throws {
        let database = try await BenchDatabase.create(adminURL: databaseURL, logger: logger)
        let channels = 10
        let devices = max(1, (cameras + channels - 1) / channels)
        let cloudPort = freePort()
        let mediamtxPort = freePort()
        let folder = NSTemporaryDirectory() + "lookout-bench-renewal-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let configPath = folder + "/mediamtx.yml"
        let base = (try? String(contentsOfFile: "mediamtx.yml", encoding: .utf8)) ?? "paths:\n"
        try base.write(toFile: configPath, atomically: true, encoding: .utf8)
        let environment = [
            "LOOKOUT_REDIS_URL": redisURL, "LOOKOUT_WORKER_HTTP_PORT": "0", "LOOKOUT_DATABASE_URL": database.url, "LOOKOUT_KEY_PREFIX": "\(database.name):", "LOG_LEVEL": "warning",
            "HIKVISION_APP_KEY": "sim-app-key", "HIKVISION_SECRET": "sim-secret-key", "HIKVISION_BASE_URL": "http://127.0.0.1:\(cloudPort)",
            "LOOKOUT_MEDIAMTX_API_URL": "http://127.0.0.1:\(mediamtxPort)", "LOOKOUT_MEDIAMTX_CONFIG": configPath,
            "LOOKOUT_STREAM_URL_KEY": try StreamURLCipher.Key.generateSetting(id: "bench"),
        ]
        let cloud = try BenchProcess(
            arguments: ["simulate", "hik-cloud", "--port", String(cloudPort), "--devices", String(devices), "--channels", String(channels)],
            environment: environment, name: "hik-cloud")
        let mediamtx = try BenchProcess(arguments: ["simulate", "mediamtx", "--port", String(mediamtxPort)], environment: environment, name: "mediamtx")
        let processes = Locked<[BenchProcess]>([cloud, mediamtx])
        cleanup.add { await database.drop() }
        cleanup.add { for process in processes.withLock({ $0 }) { await process.terminate() } }
        for port in [cloudPort, mediamtxPort] {
            guard try await until(timeout: .seconds(20), { canConnect(port: port) }) else { throw BenchError("simulator did not start on \(port)") }
        }
        let discover = try BenchProcess(arguments: ["discover"], environment: environment, name: "discover")
        await discover.waitForExit()
        try await http(cloudPort, "/sim/stats/reset", method: "POST")

        let renewal = folder + "/renewal.yml"
        try "kind: renewal\nconcurrency: 8\n".write(toFile: renewal, atomically: true, encoding: .utf8)
        let sync = folder + "/sync.yml"
        try "kind: mediamtx-sync\n".write(toFile: sync, atomically: true, encoding: .utf8)
        let writes = Locked<[Date]>([])
        let started = ContinuousClock.now
        for index in 0..<workers {
            let files = index == 0 ? ["--worker", renewal, "--worker", sync] : ["--worker", renewal]
            let worker = try BenchProcess(arguments: ["worker"] + files, environment: environment, name: "worker-\(index)")
            processes.withLock { $0.append(worker) }
        }
        let total = min(cameras, devices * channels)
        let done = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                // Every change of the file's modification time is one write.
                var last = Self.modified(configPath)
                while !Task.isCancelled {
                    try await Task.sleep(for: .milliseconds(20))
                    // The file's own modification times, not when we noticed them.
                    if let now = Self.modified(configPath), now != last {
                        writes.withLock { $0.append(now) }
                        last = now
                    }
                }
                return false
            }
            defer { group.cancelAll() }
            return try await until(timeout: .seconds(Double(total) / 3 + 60), every: .milliseconds(100)) {
                try await database.count("SELECT count(*) FROM cameras WHERE stream_url IS NOT NULL") >= total
            }
        }
        let elapsed = ContinuousClock.now - started
        guard done else { throw BenchError("not every camera got a stream URL") }
        let stats = try await http(cloudPort, "/sim/stats")
        let requests = stats["requests"] as? Int ?? 0
        let rateLimited = stats["rateLimited"] as? Int ?? -1
        let times = writes.withLock { $0 }
        let gaps = zip(times, times.dropFirst()).map { $1.timeIntervalSince($0) }

        var report = BenchReport(bench: "renewal")
        report.note("cameras", total, label: "cameras renewed")
        report.note("workers", workers, label: "renewal worker processes")
        report.add("seconds", elapsed.seconds, unit: "s", label: "total time")
        report.add("requestsPerSecond", Double(requests) / elapsed.seconds, unit: "/s", label: "achieved request rate")
        report.add("shareOfLimit", Double(requests) / elapsed.seconds / 5 * 100, unit: "%", label: "of the 5 req/s limit", target: "≥ 95 %")
        report.note("rateLimitErrors", rateLimited, label: "rate-limit errors (simulator)")
        report.note("maxPerSecondSeen", stats["maxPerSecond"] as? Int ?? -1, label: "most requests in any second (simulator)")
        report.note("fileWrites", times.count, label: "mediamtx.yml writes")
        report.add("fileWritesPerSecond", Double(times.count) / elapsed.seconds, unit: "/s", label: "mediamtx.yml writes per second", target: "≤ 1", decimals: 2)
        report.add("minSecondsBetweenWrites", gaps.min() ?? .nan, unit: "s", label: "shortest gap between two writes (file mtimes)", decimals: 3)
        report.print()
    }

    static func modified(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    @discardableResult
    private func http(_ port: Int, _ path: String, method: String = "GET") async throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "-X", method, "http://127.0.0.1:\(port)\(path)"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }
}
