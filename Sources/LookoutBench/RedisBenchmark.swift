import Foundation
public import LookoutRedis

/// The server's own ceiling: `redis-benchmark` over one connection, its CSV read back.
public enum RedisBenchmark {
    /// Requests per second of the test named `test` (the CSV's first column, e.g. `SET`,
    /// `XADD`); nil when redis-benchmark is missing or printed no such line.
    public static func requestsPerSecond(_ configuration: RedisConfiguration, test: String, arguments: [String]) -> Double? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-benchmark")
        process.arguments = ["-h", configuration.host, "-p", String(configuration.port), "-c", "1", "--csv"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // "SET","1123595.50",…: the second column is requests per second.
        guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("\"\(test)") }),
            let rps = Double(line.split(separator: ",")[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))), rps > 0
        else { return nil }
        return rps
    }
}
