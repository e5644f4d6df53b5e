import Foundation
import LookoutTestSupport
import Testing

/// `lookout dead list|replay` (issue 12, item 2): a valid presence event that was dead-lettered
/// (as a PostgreSQL outage did before the fix) is replayed and applied by the workers.
@Suite struct DeadCommandTests {
    @Test func aReplayedDeadLetterIsAppliedAndBadInputIsRefusedPrecisely() async throws {
        let system = try await LookoutSystem.start(heartbeatSeconds: 30)
        try await withTeardown({ await system.shutdown() }) {
            _ = try await system.addNVR("nvr-dead", cameras: 0)
            let redis = try RedisCLI(url: try TestEnvironment.redisURL)
            let dead = system.prefix + "presence:dead"
            let id = try await redis.run([
                "XADD", dead, "*", "at", "1700000000000", "gw", "gw-1", "host", "nvr-dead", "session", "s-dead", "type", "connected", "v", "1",
                "original_id", "1-0", "error", "delivered 5 times without success", "deliveries", "5",
            ]).trimmingCharacters(in: .whitespacesAndNewlines)

            let list = try await system.cli(["dead", "list"])
            #expect(list.status == 0, "\(list.stderr)")
            let row = list.stdout.split(separator: "\n").first { $0.hasPrefix("presence\t") }.map(String.init) ?? ""
            #expect(row.hasPrefix("presence\t\(id)\t5\t1-0\tdelivered 5 times"), "\(list.stdout)")
            #expect(row.contains("host=nvr-dead") && row.contains("type=connected"))

            for (arguments, message) in [
                (["--presence", "nvr-dead"], "not a stream id"), (["--presence", "9-9"], "no presence dead letter with id 9-9"),
                (["--camera", "999"], "no dead renewal for camera 999"),
            ] {
                let refused = try await system.cli(["dead", "replay"] + arguments)
                #expect(refused.status == 1 && refused.stderr.contains(message), "\(arguments): \(refused.stderr)")
            }
            #expect(try await system.cli(["dead", "replay"]).status == 64, "nothing named: a usage error")
            #expect(try await redis.run(["XLEN", dead]).hasPrefix("1"), "nothing replayed by refused calls")

            try await system.startWorker()
            let replayed = try await system.cli(["dead", "replay", "--presence", id])
            #expect(replayed.status == 0 && replayed.stdout.contains("replayed 1 presence entries and 0 renewals"), "\(replayed.stderr)")
            #expect(try await eventually(timeout: .seconds(8)) { try await system.nvrRow("nvr-dead") == "online|1" }, "\(system.logs)")
            #expect(try await redis.run(["XLEN", dead]).hasPrefix("0"))
        }
    }
}
