import Metrics

/// Metrics of the Hik-Connect client, exported where the process serves `/metrics`.
enum HikMetrics {
    /// What a request came to: `ok`, `rate_limited`, `refused` (an API error code), `server_error`
    /// (HTTP 5xx), `transport_error` (no answer).
    enum Result: String {
        case ok, rateLimited = "rate_limited", refused, serverError = "server_error", transportError = "transport_error"
    }

    /// Rate-limit answers from the cloud (each one pauses every process for a window).
    private static let rateLimitAnswers = Counter(label: "lookout_hik_rate_limited_total")
    /// 1 while this process's circuit breaker is open or probing, 0 when closed.
    private static let circuitOpen = Gauge(label: "lookout_hik_circuit_open")

    static func countRateLimitAnswer() { rateLimitAnswers.increment() }

    /// One request that was sent; `path` is the API path (a fixed set, never user input).
    static func request(path: String, result: Result, took duration: Duration) {
        Counter(label: "lookout_hik_requests_total", dimensions: [("path", path), ("result", result.rawValue)]).increment()
        Timer(label: "lookout_hik_request_duration_seconds", dimensions: [("path", path)], preferredDisplayUnit: .seconds)
            .recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    static func circuit(open: Bool) { circuitOpen.record(open ? 1 : 0) }
}
