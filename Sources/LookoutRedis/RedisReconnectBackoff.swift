/// How long to wait before reconnect attempt `n`: exponential from `initial`, capped at
/// `maximum`, with ±`jitter` so many subscribers do not reconnect in lockstep after a Redis restart.
public struct RedisReconnectBackoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration
    /// 0…1: the share of the delay that is randomised.
    public var jitter: Double

    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(5), jitter: Double = 0.5) {
        self.initial = initial
        self.maximum = maximum
        self.jitter = jitter
    }

    /// The delay before attempt `attempt` (0 for the first retry).
    public func delay(attempt: Int) -> Duration {
        let base = min(Double(initial.milliseconds) * pow2(attempt), Double(maximum.milliseconds))
        let spread = base * jitter
        return .milliseconds(Int64(max(0, base - spread + Double.random(in: 0...(2 * spread)))))
    }

    private func pow2(_ exponent: Int) -> Double {
        Double(1 << min(exponent, 20))
    }
}
