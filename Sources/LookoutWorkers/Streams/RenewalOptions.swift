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
    /// Retries with backoff go on until this long before the old URL expires (the last one at
    /// that moment); after it the camera counts as expired.
    public var expiryMargin: Duration = .seconds(60)
    /// A camera whose URL expired (or that never had one) and still fails is marked `retrying`
    /// with its error and retried with backoff from `retry.initial` up to this (±`retry.jitter`),
    /// never given up.
    public var expiredRetry: Duration = .seconds(600)
    /// A device-offline answer is retried after this, not with backoff.
    public var deviceOfflineRetry: Duration = .seconds(300)
    /// While renewals are paused (credentials refused), one worker probes the account this often.
    public var credentialProbe: Duration = .seconds(10)

    public init() {}
}

/// Exponential backoff with jitter for failed renewals: `initial · 2^(attempt−1)`, capped at
/// `maximum`, ±`jitter`. There is no attempt limit: the URL's expiry bounds the retries.
public struct RenewalRetry: Sendable, Equatable {
    public var initial: Duration = .seconds(30)
    public var maximum: Duration = .seconds(3600)
    public var jitter = 0.5

    public init() {}

    /// The delay after `attempt` failed attempts, capped at `cap` (`maximum` when nil).
    public func delay(afterAttempt attempt: Int, cap: Duration? = nil) -> Duration {
        let base = min(initial.inSeconds * Double(1 << min(max(attempt - 1, 0), 20)), (cap ?? maximum).inSeconds)
        return jittered(base)
    }

    /// `base` seconds ±`jitter`, at least a millisecond.
    public func jittered(_ base: Double) -> Duration {
        let spread = base * min(max(jitter, 0), 1)
        return .milliseconds(Int64(max(0.001, base - spread + Double.random(in: 0...(2 * spread))) * 1000))
    }
}

extension Duration {
    /// In seconds, with the fraction.
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
