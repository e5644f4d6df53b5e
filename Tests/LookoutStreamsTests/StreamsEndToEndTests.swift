import Foundation
import LookoutCore
import LookoutTestSupport
import Testing
import Yams

/// Permanent streams end to end: the cloud simulator and the MediaMTX double as processes, real
/// Redis and PostgreSQL, `lookout discover` and `lookout worker` as separate processes.
@Suite(.serialized) struct StreamsEndToEndTests {
    @Test func discoveryOf50CamerasOn5DevicesIsIdempotent() async throws {
        let streams = try await StreamsHarness.start(cloudArguments: ["--devices", "5", "--channels", "10"])
        try await withTeardown({ await streams.shutdown() }) {
            let system = streams.system
            // One NVR is known by its device serial: its cameras link to it.
            let inventory = try await ChildProcess.run("/usr/bin/curl", ["-s", "http://127.0.0.1:\(streams.cloudPort)/sim/inventory"])
            let cameras = try #require(try JSONSerialization.jsonObject(with: Data(inventory.stdout.utf8)) as? [[String: Any]])
            let serial = try #require(cameras.first?["deviceSerial"] as? String)
            _ = try await system.addNVR("site-a", cameras: 0)
            _ = try await system.database.query("UPDATE nvrs SET hik_device_serial = '\(serial)' WHERE hostname = 'site-a'")

            let first = try await system.cli(["discover"])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("devices 5, cameras 50: created 50, updated 0, unchanged 0"), "\(first.stdout)")
            let rows = try await system.database.query(
                "SELECT count(*) || '|' || count(DISTINCT hik_device_serial) || '|' || count(nvr_id) || '|' || count(renewal_due_at) FROM cameras")
            #expect(rows == "50|5|10|50")
            let before = try await system.database.query("SELECT string_agg(id || name || mediamtx_path || updated_at, ',' ORDER BY id) FROM cameras")
            let again = try await system.cli(["discover"])
            #expect(again.stdout.contains("created 0, updated 0, unchanged 50"), "\(again.stdout)")
            #expect(try await system.database.query("SELECT string_agg(id || name || mediamtx_path || updated_at, ',' ORDER BY id) FROM cameras") == before)
        }
    }

    @Test func twentySecondURLsRenewForFiveCyclesAndMediaMTXNeverHoldsAnExpiredOne() async throws {
        let streams = try await StreamsHarness.start(cloudArguments: ["--devices", "1", "--channels", "4", "--url-lifetime", "20"])
        try await withTeardown({ await streams.shutdown() }) {
            let system = streams.system
            #expect(try await system.cli(["discover"]).status == 0)
            let statusPort = try TestEnvironment.freePort()
            try await system.startWorker(
                name: "streams", files: StreamsHarness.workerFiles(), environment: ["LOOKOUT_WORKER_HTTP_PORT": String(statusPort)])

            var checks = 0
            var problems: [String] = []
            let end = ContinuousClock.now + .seconds(75)
            while ContinuousClock.now < end {
                try await Task.sleep(for: .seconds(1))
                let now = nowSeconds()
                for (name, source) in try await streams.mediamtxSources() where name != "handwritten" {
                    if let expires = expiry(of: source), expires <= now { problems.append("\(name) held an expired URL at \(now)") }
                }
                // The file always parses, keeps the unrelated keys and the hand-written path.
                let text = try String(contentsOfFile: streams.configPath, encoding: .utf8)
                let yaml = try #require(try Yams.load(yaml: text) as? [String: Any], "mediamtx.yml does not parse")
                let paths = yaml["paths"] as? [String: Any] ?? [:]
                if yaml["hlsAddress"] as? String != ":8888" || paths["handwritten"] == nil { problems.append("unrelated keys lost at \(now)") }
                checks += 1
            }
            #expect(problems.isEmpty, "\(problems.prefix(5))\n\(system.logs)")
            #expect(checks > 60)
            // At least 5 renewals per camera (a 20 s URL renews every 14 s) and none failed.
            let renewed = try await system.database.query("SELECT min(n) FROM (SELECT count(*) n FROM renewals WHERE outcome = 'renewed' GROUP BY camera_id) x")
            #expect((Int(renewed) ?? 0) >= 5, "renewals per camera: \(renewed)")
            #expect(try await system.database.query("SELECT count(*) FROM renewals WHERE outcome = 'failed'") == "0")
            // The file matches the database: every enabled camera's path with its current URL.
            let text = try String(contentsOfFile: streams.configPath, encoding: .utf8)
            let paths = (try Yams.load(yaml: text) as? [String: Any])?["paths"] as? [String: Any] ?? [:]
            // The database holds them sealed (a dump hands out no camera): opened with the test key.
            let cipher = try StreamURLCipher(current: StreamURLCipher.Key(setting: TestStreamURLKey.setting))
            let database = try await system.database.query("SELECT id || ' ' || mediamtx_path || ' ' || stream_url FROM cameras ORDER BY id")
            #expect(!database.contains("rtmp://"), "a stream URL is stored in plaintext")
            for line in database.split(separator: "\n") {
                let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
                let stored = try cipher.open(parts[2], cameraID: Int64(parts[0]) ?? 0)
                let source = (paths[parts[1]] as? [String: Any])?["source"] as? String
                #expect(source == stored || source.flatMap(expiry) ?? 0 > nowSeconds(), "\(parts[1]) in the file differs from the database")
            }
            // No stream URL reached a log line.
            #expect(!system.logs.contains("rtmp://"))

            // The worker's /metrics tells the same story (issue 13: observable workers).
            let metrics = try await HTTPCall.send("GET", "http://127.0.0.1:\(statusPort)/metrics").body
            func value(_ series: String) -> Double? {
                metrics.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
            }
            #expect((value(#"lookout_renewals_total{outcome="renewed"}"#) ?? 0) >= 20, "\(metrics)")
            #expect(value("lookout_renewal_queue_depth") == 4 && value("lookout_renewal_dead_depth") == 0, "\(metrics)")
            #expect((value("lookout_stream_earliest_expiry_seconds") ?? 0) > 0, "no URL expired")
            #expect(value("lookout_renewal_failing_cameras") == 0)
            #expect(value("lookout_mediamtx_sync_active") == 1, "this worker holds the sync lease")
            #expect((value("lookout_mediamtx_sync_last_success_timestamp_seconds") ?? 0) > Double(nowSeconds() - 30))
            #expect(metrics.contains(#"lookout_hik_requests_total{path="#) && metrics.contains(#"result="ok""#), "\(metrics)")
            #expect(value("lookout_hik_circuit_open") ?? 0 == 0)
            #expect(!metrics.contains("rtmp://"), "a stream URL in /metrics")
        }
    }

    @Test func threeWorkersShareTheRateLimitAndNeverRenewACameraTwicePerDueTime() async throws {
        let streams = try await StreamsHarness.start(cloudArguments: ["--devices", "4", "--channels", "10", "--url-lifetime", "20"])
        try await withTeardown({ await streams.shutdown() }) {
            let system = streams.system
            #expect(try await system.cli(["discover"]).status == 0)
            for index in 1...3 {
                try await system.startWorker(name: "renewal-\(index)", files: StreamsHarness.workerFiles(sync: false))
            }
            try await Task.sleep(for: .seconds(30))
            let stats = try await streams.cloudJSON("/sim/stats")
            #expect((stats["maxPerSecond"] as? Int ?? 99) <= 5, "\(stats)")
            #expect(stats["rateLimited"] as? Int == 0, "\(stats)")
            #expect((stats["liveAddressesIssued"] as? Int ?? 0) >= 60)
            // One successful renewal per camera and due time.
            let twice = try await system.database.query(
                "SELECT count(*) FROM (SELECT camera_id, due_at FROM renewals WHERE outcome = 'renewed' GROUP BY 1, 2 HAVING count(*) > 1) x")
            #expect(try await system.database.query("SELECT count(*) FROM renewals WHERE due_at IS NULL") == "0")
            #expect(twice == "0", "\(system.logs)")
        }
    }

    @Test func aKilledWorkersJobIsFinishedByAnotherOnceItsLeaseExpires() async throws {
        // Every cloud answer takes 2 s, so a worker is inside a job when it dies.
        let streams = try await StreamsHarness.start(cloudArguments: ["--devices", "1", "--channels", "2", "--latency-ms", "2000"])
        try await withTeardown({ await streams.shutdown() }) {
            let system = streams.system
            #expect(try await system.cli(["discover"]).status == 0)
            let doomed = try await system.startWorker(name: "doomed", files: StreamsHarness.workerFiles(sync: false))
            #expect(try await eventually(timeout: .seconds(15)) {
                try await system.database.query("SELECT count(*) FROM renewals WHERE finished_at IS NULL") != "0"
            })
            await doomed.kill()
            try await system.startWorker(name: "survivor", files: StreamsHarness.workerFiles(sync: false))
            let done = try await eventually(timeout: .seconds(30)) {
                try await system.database.query("SELECT count(*) FROM cameras WHERE stream_url IS NOT NULL") == "2"
            }
            #expect(done, "\(system.logs)")
            // The killed attempt stays in the history as unfinished; the survivor's attempt renewed it.
            #expect(try await system.database.query("SELECT count(*) FROM renewals WHERE outcome = 'renewed'") >= "2")
        }
    }

    @Test func anOfflineDeviceIsACameraStateNotARetryStorm() async throws {
        let streams = try await StreamsHarness.start(cloudArguments: ["--devices", "1", "--channels", "3"])
        try await withTeardown({ await streams.shutdown() }) {
            let system = streams.system
            let inventory = try await ChildProcess.run("/usr/bin/curl", ["-s", "http://127.0.0.1:\(streams.cloudPort)/sim/inventory"])
            let serial = try #require((try JSONSerialization.jsonObject(with: Data(inventory.stdout.utf8)) as? [[String: Any]])?.first?["deviceSerial"] as? String)
            _ = try await streams.cloudJSON("/sim/devices/\(serial)/offline", method: "POST")
            #expect(try await system.cli(["discover"]).status == 0)
            _ = try await streams.cloudJSON("/sim/stats/reset", method: "POST")
            try await system.startWorker(name: "renewal", files: StreamsHarness.workerFiles(sync: false))
            let offline = try await eventually(timeout: .seconds(10)) {
                try await system.database.query("SELECT count(*) FROM cameras WHERE status = 'offline' AND status_reason = 'device_offline'") == "3"
            }
            #expect(offline, "\(system.logs)")
            try await Task.sleep(for: .seconds(5))
            // One live-address request per camera, then quiet until the device-offline retry (5 min).
            let stats = try await streams.cloudJSON("/sim/stats")
            let byPath = stats["byPath"] as? [String: Int] ?? [:]
            #expect(byPath["/api/hccgw/video/v1/live/address/get"] == 3, "\(stats)")
            #expect(try await system.database.query("SELECT count(*) FROM renewals WHERE outcome = 'device_offline'") == "3")
        }
    }
}
