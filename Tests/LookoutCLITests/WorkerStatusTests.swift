import Foundation
import LookoutTestSupport
import Testing

/// A worker process serves `/healthz`, `/readyz` and `/metrics` on `LOOKOUT_WORKER_HTTP_PORT`
/// (issues 13 and 14): what probes and Prometheus need, with the process's swift-metrics
/// counters exported. A port already taken is a clear start-up failure, not a silent worker.
@Suite struct WorkerStatusTests {
    @Test func aWorkerServesHealthReadinessAndItsMetrics() async throws {
        let system = try await LookoutSystem.start(heartbeatSeconds: 30)
        try await withTeardown({ await system.shutdown() }) {
            let port = try TestEnvironment.freePort()
            let worker = try await system.startWorker(environment: ["LOOKOUT_WORKER_HTTP_PORT": String(port)])
            let base = "http://127.0.0.1:\(port)"
            #expect(await eventually(timeout: .seconds(20)) { (try? await HTTPCall.send("GET", base + "/healthz"))?.status == 200 }, "\(worker.log)")
            let ready = try await HTTPCall.send("GET", base + "/readyz")
            #expect(ready.status == 200 && ready.json["status"] as? String == "ready", "\(ready.body)")

            // The consumer group exists once a presence worker has started.
            #expect(await eventually(timeout: .seconds(10)) {
                (try? await HTTPCall.send("GET", base + "/metrics"))?.body.contains("lookout_presence_stream_pending{") == true
            })
            let metrics = try await HTTPCall.send("GET", base + "/metrics")
            #expect(metrics.status == 200)
            for line in [#"lookout_worker_running{kind="presence"} 1"#, #"lookout_worker_running{kind="sweeper"} 1"#] {
                #expect(metrics.body.contains(line), "missing \(line) in:\n\(metrics.body)")
            }
            // Counters the workers create through swift-metrics reach the registry, and the stream's
            // gauges are read at the scrape.
            for series in [
                "lookout_presence_dead_letters_total", "lookout_presence_stream_length ", "lookout_presence_dead_letter_depth 0",
                #"lookout_presence_stream_pending{group="presence-workers"} 0"#, #"lookout_presence_stream_lag{group="presence-workers"} 0"#,
            ] {
                #expect(metrics.body.contains(series), "missing \(series) in:\n\(metrics.body)")
            }
            #expect(try await HTTPCall.send("GET", base + "/api/stats").status == 404, "nothing but the three routes")

            let second = try await system.startWorker(name: "worker-2", environment: ["LOOKOUT_WORKER_HTTP_PORT": String(port)])
            #expect(await eventually(timeout: .seconds(20)) { !second.isRunning }, "a second worker on a taken port must not run on silently")
            #expect(second.log.contains("127.0.0.1:\(port)") || second.log.lowercased().contains("address already in use"), "\(second.log)")
            #expect(worker.isRunning, "the first worker is unharmed")
        }
    }
}
