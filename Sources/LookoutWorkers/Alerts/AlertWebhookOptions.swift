/// Tuning of the `alerts` worker (`workers/alerts.yml`); the targets, the secret and the
/// per-target interval are settings (`LOOKOUT_ALERT_*`), shared with every process.
public struct AlertWebhookOptions: Sendable, Equatable {
    /// How often the outbox is read for new alert events and due targets.
    public var poll: Duration = .seconds(1)
    /// One POST's whole time (connect, send, answer).
    public var timeout: Duration = .seconds(10)
    /// Attempts of one delivery before it goes to the dead set.
    public var maxAttempts = 8
    /// Backoff after a failed message to a target: `retryInitial · 2^(failures−1)`, capped at
    /// `retryMaximum`, ±`retryJitter`. With the defaults: 5 s, 10 s, 20 s, … 5 min; the 8th
    /// failure (about 10 minutes after the first) sends the delivery to the dead set.
    public var retryInitial: Duration = .seconds(5)
    public var retryMaximum: Duration = .seconds(300)
    public var retryJitter = 0.2
    /// Alert events per message at most; the rest go in the next.
    public var batchLimit = 50
    /// Sent and dead deliveries (and fanned-out events) are deleted after this; alerts stay.
    public var keep: Duration = .seconds(30 * 86_400)

    public init() {}

    /// The wait after `failures` consecutive failed messages (1 for the first).
    public func backoff(afterFailures failures: Int) -> Duration {
        let base = min(retryInitial.inSeconds * Double(1 << min(max(failures - 1, 0), 20)), retryMaximum.inSeconds)
        let spread = base * min(max(retryJitter, 0), 1)
        return .milliseconds(Int64(max(0.001, base - spread + Double.random(in: 0...(2 * spread))) * 1000))
    }

    /// A target is leased for one send: the timeout and a margin.
    var lease: Duration { timeout + .seconds(5) }
}
