import Foundation
import LookoutTestSupport
import Testing

/// `lookout renew` lists what it skipped and why; `--wait` follows the renewals to their outcome
/// (issue 13 item 7), against the cloud simulator and a real renewal worker.
@Suite(.serialized) struct RenewWaitTests {
    @Test func renewNamesSkippedCamerasAndWaitFollowsEachToItsOutcome() async throws {
        let streams = try await StreamsHarness.start(cloudArguments: ["--devices", "2", "--channels", "2"])
        try await withTeardown({ await streams.shutdown() }) {
            let system = streams.system
            #expect(try await system.cli(["discover"]).status == 0)
            let rows = try await system.database.query("SELECT string_agg(id || ':' || hik_device_serial || ':' || hik_channel_no, ',' ORDER BY id) FROM cameras")
            let cameras = rows.split(separator: ",").map { $0.split(separator: ":").map(String.init) }
            try #require(cameras.count == 4)
            let (first, disabled, offlineSerial) = (cameras[0][0], cameras[1][0], cameras[2][1])
            let offline = cameras.filter { $0[1] == offlineSerial }.map { $0[0] }
            _ = try await system.database.query("UPDATE cameras SET enabled = false WHERE id = \(disabled)")
            _ = try await streams.cloudJSON("/sim/devices/\(offlineSerial)/offline", method: "POST")
            // Discovery made every job due now: let the worker conclude those first attempts, so
            // the request below is what starts the attempts it waits for.
            try await system.startWorker(name: "renewal", files: StreamsHarness.workerFiles(sync: false))
            #expect(try await eventually(timeout: .seconds(30)) {
                try await system.database.query("SELECT count(DISTINCT camera_id) FROM renewals WHERE outcome IS NOT NULL") == "3"
            }, "\(system.logs)")

            let result = try await system.cli(["renew", "--wait", "--timeout", "60"] + cameras.flatMap { ["--camera", $0[0]] })
            #expect(result.status == 1, "a device offline is a failure: \(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("requested 4:") && result.stdout.contains("skipped 1"), "\(result.stdout)")
            #expect(result.stdout.contains("skipped camera \(disabled): disabled"), "\(result.stdout)")
            for id in offline {
                #expect(result.stdout.contains("camera \(id): device offline:"), "\(result.stdout)")
            }
            #expect(result.stdout.contains("renewed 1, failed 2, waiting 0 of 3"), "\(result.stdout)")
            #expect(!result.stdout.contains("rtmp://"))

            let one = try await system.cli(["renew", "--wait", "--timeout", "60", "--camera", first])
            #expect(one.status == 0 && one.stdout.contains("renewed 1, failed 0, waiting 0 of 1"), "\(one.stdout)\(one.stderr)")
        }
    }
}
