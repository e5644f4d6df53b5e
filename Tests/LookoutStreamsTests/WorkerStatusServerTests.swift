import Foundation
import Logging
import LookoutTestSupport
import LookoutWorkers
import Prometheus
import ServiceLifecycle
import Synchronization
import Testing

/// ``WorkerStatusServer`` in process: `/readyz` names every failing check, and a check that
/// hangs (a pool waiting for a connection) fails at its timeout instead of holding the probe.
@Suite struct WorkerStatusServerTests {
    struct Refused: Error {}

    @Test func readinessNamesFailingAndHangingChecksAndMetricsRenderTheRegistry() async throws {
        let registry = PrometheusCollectorRegistry()
        registry.makeCounter(descriptor: .init(namespace: "lookout", metricName: "test_things", unitName: "total", helpText: "Things")).increment(by: Int64(3))
        let healthy = Checks()
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let server = WorkerStatusServer(
            host: "127.0.0.1", port: 0, registry: registry,
            checks: [
                .init("redis") { if !healthy.redis { throw Refused() } },
                .init("postgres") { if !healthy.postgres { try await Task.sleep(for: .seconds(3600)) } },
            ], logger: Logger(label: "test"), onListening: { portContinuation.yield($0) })
        let group = ServiceGroup(configuration: .init(services: [server], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let base = "http://127.0.0.1:\(port)"

            let ready = try await HTTPCall.send("GET", base + "/readyz")
            #expect(ready.status == 200 && ready.body == #"{"status":"ready"}"#, "\(ready.body)")

            healthy.set(redis: false, postgres: false)
            let started = ContinuousClock.now
            let failing = try await HTTPCall.send("GET", base + "/readyz")
            #expect(failing.status == 503 && failing.body == #"{"status":"unavailable","failing":["postgres","redis"]}"#, "\(failing.body)")
            #expect(ContinuousClock.now - started < .seconds(30), "a hanging check ends at its timeout")

            let metrics = try await HTTPCall.send("GET", base + "/metrics")
            #expect(metrics.status == 200 && metrics.body.contains("lookout_test_things_total 3"), "\(metrics.body)")
            #expect(try await HTTPCall.send("GET", base + "/healthz").status == 200)
            #expect(try await HTTPCall.send("GET", base + "/nope").status == 404)

            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    final class Checks: Sendable {
        private let state = Mutex((redis: true, postgres: true))
        var redis: Bool { state.withLock { $0.redis } }
        var postgres: Bool { state.withLock { $0.postgres } }
        func set(redis: Bool, postgres: Bool) { state.withLock { $0 = (redis, postgres) } }
    }
}
