/// The account's request budget: at most `requests` in any `window`, counted across every
/// process (reference §2: 5 requests per second).
///
/// The limiter holds each slot until the request's answer came back (``HikRateLimiter``), so the
/// time a request takes to reach the cloud is accounted for, however long; `margin` only widens
/// the window for clock granularity (10 ms by default).
public struct HikRateLimit: Sendable, Hashable, CustomStringConvertible {
    public var requests: Int
    public var window: Duration
    public var margin: Duration
    /// Upper bound of one wait between two tries for a slot.
    public var maximumPoll: Duration
    /// After a rate-limit answer, no process sends for this long (one cloud window).
    public var backoff: Duration

    public init(
        requests: Int = 5, window: Duration = .seconds(1), margin: Duration = .milliseconds(10), maximumPoll: Duration = .milliseconds(250),
        backoff: Duration = .seconds(1)
    ) {
        self.requests = requests
        self.window = window
        self.margin = margin
        self.maximumPoll = maximumPoll
        self.backoff = backoff
    }

    /// The window the limiter enforces.
    public var enforcedWindow: Duration { window + margin }

    public var description: String { "\(requests) per \(window) (+\(margin))" }
}
