/// Tuning of the renewal worker (`workers/renewal.yml`).
public struct RenewalOptions: Sendable, Equatable {
    /// Jobs run at once in this process.
    public var concurrency = 2
    /// Renew at this share of a URL's lifetime.
    public var lifetimeShare = 0.7
    /// The lifetime asked for (`expireTime`); the cloud's maximum is 7 days.
    public var requestedLifetime: Duration = .seconds(7 * 86_400)
    /// A running job's lease; renewed every third of it.
    public var lease: Duration = .seconds(60)
    public var retry = RenewalRetry()
    /// Retries must be done this long before the old URL expires; later ones would be too late.
    public var expiryMargin: Duration = .seconds(60)
    /// A device-offline answer is retried after this, not with backoff.
    public var deviceOfflineRetry: Duration = .seconds(300)

    public init() {}
}

/// Exponential backoff with jitter for failed renewals: `initial · 2^(attempt−1)`, capped at
/// `maximum`, ±`jitter`, at most `maxAttempts` attempts.
public struct RenewalRetry: Sendable, Equatable {
    public var initial: Duration = .seconds(30)
    public var maximum: Duration = .seconds(3600)
    public var jitter = 0.5
    public var maxAttempts = 10

    public init() {}

    public func delay(afterAttempt attempt: Int) -> Duration {
        let base = min(Double(initial.components.seconds) * Double(1 << min(max(attempt - 1, 0), 20)), Double(maximum.components.seconds))
        let spread = base * jitter
        return .milliseconds(Int64(max(1, base - spread + Double.random(in: 0...(2 * spread))) * 1000))
    }
}
