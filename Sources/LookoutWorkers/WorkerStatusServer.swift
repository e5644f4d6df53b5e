public import Hummingbird
public import Logging
import NIOCore
public import Prometheus
public import ServiceLifecycle
import Synchronization

/// What a `lookout worker` process answers on `LOOKOUT_WORKER_HTTP_PORT`, like a gateway:
/// `/healthz` (the process runs), `/readyz` (every dependency it names answers; 503 names the
/// failing ones) and `/metrics` (its Prometheus registry: the process's swift-metrics counters
/// once `MetricsSystem` is bootstrapped with it, after its samplers read the gauges only Redis
/// or PostgreSQL know, each bounded like a check). Nothing else: 404 for every other path.
public struct WorkerStatusServer: Service {
    /// One dependency `/readyz` checks, e.g. `redis` with a PING.
    public struct Check: Sendable {
        public let name: String
        public let run: @Sendable () async throws -> Void
        public init(_ name: String, _ run: @escaping @Sendable () async throws -> Void) {
            self.name = name
            self.run = run
        }
    }

    let host: String
    let port: Int
    let registry: PrometheusCollectorRegistry
    let checks: [Check]
    let samplers: [Check]
    let logger: Logger
    let onListening: @Sendable (Int) async -> Void

    public init(
        host: String, port: Int, registry: PrometheusCollectorRegistry, checks: [Check], samplers: [Check] = [], logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.host = host
        self.port = port
        self.registry = registry
        self.checks = checks
        self.samplers = samplers
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let router = Router()
        let checks = self.checks
        let registry = self.registry
        router.get("/healthz") { _, _ in Self.json(.ok, #"{"status":"ok"}"#) }
        router.get("/readyz") { _, _ in await Self.readiness(checks) }
        let samplers = self.samplers
        let sampleFailures = registry.makeCounter(
            descriptor: .init(
                namespace: "lookout", metricName: "worker_sample_failures", unitName: "total",
                helpText: "Scrapes where a sampler (Redis or PostgreSQL gauges) failed or timed out; its gauges keep their last value"))
        router.get("/metrics") { _, _ in
            let failed = await Self.failing(samplers)
            if !failed.isEmpty { sampleFailures.increment(by: Int64(failed.count)) }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        let logger = self.logger
        let host = self.host
        let onListening = self.onListening
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("Worker status listening", metadata: ["lookout.http.address": "\(host):\(port)"])
                await onListening(port)
            }, logger: logger)
        try await app.run()
    }

    /// 200 `{"status":"ready"}` when every check passes (run at once), else 503 naming the others.
    static func readiness(_ checks: [Check]) async -> Response {
        let failing = await failing(checks)
        guard !failing.isEmpty else { return json(.ok, #"{"status":"ready"}"#) }
        let names = failing.map { "\"\($0)\"" }.joined(separator: ",")
        return json(.serviceUnavailable, #"{"status":"unavailable","failing":[\#(names)]}"#)
    }

    /// The names of the checks that fail or time out, run at once, sorted.
    static func failing(_ checks: [Check]) async -> [String] {
        await withTaskGroup(of: String?.self) { group in
            for check in checks {
                group.addTask { await passes(check) ? nil : check.name }
            }
            var failing: [String] = []
            for await name in group { if let name { failing.append(name) } }
            return failing.sorted()
        }
    }

    /// Whether `check` succeeds within ``checkTimeout``. A pool waiting for a connection must
    /// not hold `/readyz` past a probe's own timeout, and may ignore cancellation: so the answer
    /// is whichever comes first, and a late check finishes on its own, unawaited.
    static func passes(_ check: Check) async -> Bool {
        let answer = FirstAnswer()
        return await withCheckedContinuation { continuation in
            answer.waiting(continuation)
            let work = Task { answer.give((try? await check.run()) != nil) }
            Task {
                try? await Task.sleep(for: checkTimeout)
                work.cancel()
                answer.give(false)
            }
        }
    }

    /// Resumes its continuation with the first answer given; later ones are dropped.
    private final class FirstAnswer: Sendable {
        private let continuation = Mutex<CheckedContinuation<Bool, Never>?>(nil)
        func waiting(_ continuation: CheckedContinuation<Bool, Never>) { self.continuation.withLock { $0 = continuation } }
        func give(_ passed: Bool) { continuation.withLock { $0.take() }?.resume(returning: passed) }
    }

    static let checkTimeout: Duration = .seconds(2)

    static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
