import Foundation
import LookoutTestSupport
import Testing

/// Issue 13 item 7: a CLI that cannot hurt quietly. `nvr link` with a mistyped hostname used to
/// detach the device's cameras, print "linked" and exit 0.
@Suite struct CLISafetyTests {
    @Test func linkRefusesAnUnknownHostnameAndChangesNothing() async throws {
        let system = try await LookoutSystem.start(heartbeatSeconds: 30)
        try await withTeardown({ await system.shutdown() }) {
            _ = try await system.addNVR("site-a", cameras: 0)
            _ = try await system.addNVR("site-b", cameras: 0)
            _ = try await system.database.query(
                """
                INSERT INTO cameras (name, hik_resource_id, hik_device_serial, hik_channel_no, nvr_id)
                SELECT 'cam ' || n, 'res-' || n, 'DS1', n, (SELECT id FROM nvrs WHERE hostname = 'site-a') FROM generate_series(1, 4) n
                """)
            _ = try await system.database.query("UPDATE nvrs SET hik_device_serial = 'DS1' WHERE hostname = 'site-a'")
            let linked = "SELECT count(*) FROM cameras WHERE nvr_id = (SELECT id FROM nvrs WHERE hostname = 'site-a')"

            let typo = try await system.cli(["nvr", "link", "--hostname", "site-aa", "--device-serial", "DS1"])
            #expect(typo.status == 1, "\(typo.stdout)")
            #expect(typo.stderr.contains("no NVR has hostname 'site-aa'") && !typo.stdout.contains("linked"), "\(typo.stderr)")
            #expect(try await system.database.query(linked) == "4", "a refused link must not detach cameras")

            let taken = try await system.cli(["nvr", "link", "--hostname", "site-b", "--device-serial", "ds1"])
            #expect(taken.status == 1 && taken.stderr.contains("device DS1 is already linked to NVR 'site-a'"), "\(taken.stderr)")
            #expect(try await system.database.query(linked) == "4")

            for (arguments, message) in [
                (["--hostname", "site a", "--device-serial", "DS1"], "without spaces"),
                (["--hostname", "site-a", "--device-serial", "DS 1"], "--device-serial must be"),
            ] {
                let refused = try await system.cli(["nvr", "link"] + arguments)
                #expect(refused.status == 64 && refused.stderr.contains(message), "\(arguments): \(refused.stderr)")
            }
            let badAdd = try await system.cli(["nvr", "add", "--hostname", "tab\there"])
            #expect(badAdd.status == 64 && badAdd.stderr.contains("without spaces"), "\(badAdd.stderr)")
            #expect(try await system.database.query("SELECT count(*) FROM nvrs") == "2")

            // Relinking site-a to another device detaches the old device's cameras, and says so.
            let moved = try await system.cli(["nvr", "link", "--hostname", "site-a", "--device-serial", "DS2"])
            #expect(moved.status == 0 && moved.stdout.contains("0 cameras linked, 4 detached"), "\(moved.stdout)\(moved.stderr)")
            let back = try await system.cli(["nvr", "link", "--hostname", "site-a", "--device-serial", "ds1"])
            #expect(back.status == 0 && back.stdout.contains("linked to device DS1: 4 cameras linked, 0 detached"), "\(back.stdout)")

            let nvrs = try await system.cli(["nvr", "list"])
            let nvrLines = nvrs.stdout.split(separator: "\n")
            #expect(nvrs.status == 0 && nvrLines.count == 3 && nvrLines[0] == "id\thostname\tstatus\tsince\tlast_seen\tcameras", "\(nvrs.stdout)")
            #expect(nvrLines[1].split(separator: "\t").dropFirst().first == "site-a" && nvrLines[1].hasSuffix("\t4"), "\(nvrs.stdout)")
            let offline = try await system.cli(["nvr", "list", "--status", "online"])
            #expect(offline.stdout.split(separator: "\n").count == 1, "no NVR is online: \(offline.stdout)")
            #expect(try await system.cli(["nvr", "list", "--status", "sleeping"]).status == 64)

            let cameras = try await system.cli(["camera", "list"])
            let cameraLines = cameras.stdout.split(separator: "\n")
            #expect(cameras.status == 0 && cameraLines.count == 5 && cameraLines[1].contains("\tcam 1\t"), "\(cameras.stdout)")
            #expect(cameraLines.dropFirst().allSatisfy { $0.contains("\tnone\t") }, "no camera has a stream yet: \(cameras.stdout)")
        }
    }

    @Test func anUnreachableDatabaseIsOneLineAndExit69() async throws {
        let port = try TestEnvironment.freePort()
        let started = ContinuousClock.now
        let result = try await ChildProcess.lookout(
            ["nvr", "list"], environment: ["LOOKOUT_DATABASE_URL": "postgres://lookout@127.0.0.1:\(port)/lookout"])
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.stderr == "error: PostgreSQL unreachable at 127.0.0.1:\(port) (LOOKOUT_DATABASE_URL): connection refused\n", "\(result.stderr)")
        #expect(ContinuousClock.now - started < .seconds(30), "it used to retry forever")
    }
}
