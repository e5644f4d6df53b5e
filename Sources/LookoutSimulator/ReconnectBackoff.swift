/// How long an agent waits before reconnect attempt `n`: `initial · 2ⁿ` capped at `maximum`,
/// of which the last `jitter` share is random, so a fleet dropped at once by a gateway restart
/// does not come back in lockstep. The delay for attempt `n` lies in
/// `[base · (1 − jitter), base]` with `base = min(initial · 2ⁿ, maximum)`: never over the cap.
public struct ReconnectBackoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration
    /// 0…1: the share of each delay that is randomised.
    public var jitter: Double

    /// 0.5 s, 1 s, 2 s, 4 s, 8 s, then 10 s, each up to half shorter at random.
    public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(10), jitter: Double = 0.5) {
        self.initial = initial
        self.maximum = maximum
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The delay before attempt `attempt` without jitter (0 for the first retry).
    public func baseDelay(attempt: Int) -> Duration {
        let exponent = min(max(attempt, 0), 30)
        let seconds = min(initial.inSeconds * Double(1 << exponent), maximum.inSeconds)
        return .seconds(seconds)
    }

    /// The jittered delay before attempt `attempt`.
    public func delay(attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let base = baseDelay(attempt: attempt).inSeconds
        let spread = base * jitter
        let seconds = spread > 0 ? base - Double.random(in: 0...spread, using: &generator) : base
        return .seconds(seconds)
    }

    /// The jittered delay before attempt `attempt`, with the system's random numbers.
    public func delay(attempt: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(attempt: attempt, using: &generator)
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
