/// The account's request budget: at most `requests` in any `window`, counted across every
/// process (reference §2: 5 requests per second).
///
/// `margin` widens the window the limiter enforces (1 s + 50 ms by default: 4.76 requests/s, 95 % of the limit): a request
/// takes its slot when it leaves here and reaches the cloud a little later, and an early
/// request delayed on the way must not land in the same cloud-side second as a later one.
public struct HikRateLimit: Sendable, Hashable, CustomStringConvertible {
    public var requests: Int
    public var window: Duration
    public var margin: Duration
    /// Upper bound of one wait between two tries for a slot.
    public var maximumPoll: Duration

    public init(requests: Int = 5, window: Duration = .seconds(1), margin: Duration = .milliseconds(50), maximumPoll: Duration = .milliseconds(250))
    {
        self.requests = requests
        self.window = window
        self.margin = margin
        self.maximumPoll = maximumPoll
    }

    /// The window the limiter enforces.
    public var enforcedWindow: Duration { window + margin }

    public var description: String { "\(requests) per \(window) (+\(margin))" }
}
