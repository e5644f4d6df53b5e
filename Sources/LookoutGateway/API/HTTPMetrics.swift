public import Prometheus

/// The gateway's Prometheus metrics, in a registry of its own (no global metrics system, so
/// several gateways can live in one test process). `GET /metrics` renders it.
public final class HTTPMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let nvrConnections: @Sendable () -> Int
    private let dashboardConnections: @Sendable () -> Int
    private let nvrGauge: Gauge
    private let dashboardGauge: Gauge
    private let authFailures: Counter
    private let revocations: Counter

    static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
    ]

    static var requests: MetricNameDescriptor { name("http_requests", "total", "HTTP requests by method, route and status") }
    static var requestDuration: MetricNameDescriptor { name("http_request_duration", "seconds", "HTTP request latency by method and route") }

    /// `lookout_<metric>_<unit>`.
    static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "lookout", metricName: metric, unitName: unit, helpText: help)
    }

    /// `nvrConnections` and `dashboardConnections` are read at every scrape.
    public init(
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), nvrConnections: @escaping @Sendable () -> Int = { 0 },
        dashboardConnections: @escaping @Sendable () -> Int = { 0 }
    ) {
        self.registry = registry
        self.nvrConnections = nvrConnections
        self.dashboardConnections = dashboardConnections
        nvrGauge = registry.makeGauge(descriptor: Self.name("nvr_connections", "", "NVR WebSocket connections on this gateway"))
        dashboardGauge = registry.makeGauge(
            descriptor: Self.name("dashboard_connections", "", "Dashboard WebSocket connections on this gateway"))
        authFailures = registry.makeCounter(
            descriptor: Self.name("api_auth_failures", "total", "API requests refused for a wrong or revoked key"))
        revocations = registry.makeCounter(
            descriptor: Self.name("nvr_revocations", "total", "NVR tokens rotated or NVRs deleted through the API"))
    }

    /// One finished HTTP request; `route` is the matched route pattern (`/api/camera/{id}`).
    func request(method: String, route: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: Self.requests, labels: [("method", method), ("route", route), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.requestDuration, labels: [("method", method), ("route", route)], buckets: Self.durationBuckets
        ).recordNanoseconds(Int64(duration.components.seconds) * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    func authFailure() { authFailures.increment() }
    func revocation() { revocations.increment() }

    /// The Prometheus text exposition, with the connection gauges read now.
    func render() -> [UInt8] {
        nvrGauge.set(Double(nvrConnections()))
        dashboardGauge.set(Double(dashboardConnections()))
        return registry.emitToBuffer()
    }
}
