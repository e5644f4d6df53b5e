import Foundation
import LookoutTestSupport
import Testing

/// Every `lookout bench` once, at a tiny size, so they keep working. These check that each
/// bench runs and reports; the figures themselves are measured by hand (docs/benchmarks.md).
@Suite(.serialized) struct BenchSmokeTests {
    @Test(arguments: [
        ["bench", "redis-pipeline", "--commands", "100", "--runs", "1"],
        ["bench", "worker", "--events", "1000", "--nvrs", "100"],
        ["bench", "gateway", "--nvrs", "10", "--addresses", "2", "--connect-seconds", "1", "--steady-seconds", "1"],
        ["bench", "presence", "--rate", "20", "--seconds", "2", "--silent", "0"],
        ["bench", "renewal", "--cameras", "10", "--workers", "1"],
        ["bench", "rolling-restart", "--nvrs", "10", "--gateways", "2", "--window", "0"],
    ])
    func benchRunsAndReports(arguments: [String]) async throws {
        let result = try await ChildProcess.lookout(
            arguments, environment: ["LOOKOUT_REDIS_URL": try TestEnvironment.redisURL, "LOOKOUT_DATABASE_URL": try TestEnvironment.databaseURL,
            "LOG_LEVEL": "error"])
        #expect(result.status == 0, "\(result.stderr.suffix(3000))")
        let json = result.stdout.split(separator: "\n").first { $0.hasPrefix("{") }
        let object = json.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(object?["bench"] as? String == arguments[1], "\(result.stdout)")
    }
}
