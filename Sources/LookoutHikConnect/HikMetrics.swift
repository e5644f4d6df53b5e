import Metrics

/// Counters of the Hik-Connect client, exported where the process serves metrics.
enum HikMetrics {
    /// Rate-limit answers from the cloud (each one pauses every process for a window).
    private static let rateLimitAnswers = Counter(label: "lookout_hik_rate_limited_total")

    static func countRateLimitAnswer() { rateLimitAnswers.increment() }
}
