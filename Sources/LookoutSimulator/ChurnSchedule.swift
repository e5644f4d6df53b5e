/// How many agents churn on each one-second tick for a rate of `rate` agents per second.
/// Fractions carry over: 0.5 churns one agent every other second, 2.5 alternates 2 and 3.
struct ChurnSchedule: Sendable {
    let rate: Double
    private var carried = 0.0

    init(rate: Double) {
        self.rate = rate.isFinite ? max(rate, 0) : 0
    }

    /// The number of agents to churn on this tick.
    mutating func tick() -> Int {
        carried += rate
        let whole = carried.rounded(.down)
        carried -= whole
        return Int(whole)
    }

    /// A random pause before a churned agent reconnects: 1–5 s.
    static func reconnectPause(using generator: inout some RandomNumberGenerator) -> Duration {
        .milliseconds(Int64.random(in: 1000...5000, using: &generator))
    }
}
