import Foundation

/// What the harness watches after a fault heals, sampled every second until every invariant has
/// held for `stable` or the bound is reached.
struct ChaosObservation: Sendable {
    /// A difference younger than this is an event in flight, not a fault.
    static let inFlight = Duration.seconds(3)
    /// Every invariant must hold this long in a row to call the system recovered.
    static let stable = Duration.seconds(5)
    /// An NVR shown online this long after its agent went away is a ghost.
    static let ghostAfter = Duration.seconds(15)

    var truth = Divergence()
    var dashboards: [Divergence]
    /// When each invariant last failed a sample (nil: never since the heal).
    var lastBad: [String: ContinuousClock.Instant] = [:]
    var ghosts: Set<String> = []
    var longestGhost: Duration = .zero
    var postgresUnreachable = 0
    var samples = 0
    var lastFigures: [String: String] = [:]

    init(dashboards: Int) {
        self.dashboards = Array(repeating: Divergence(), count: dashboards)
    }

    mutating func bad(_ invariant: String, _ figure: String, at now: ContinuousClock.Instant) {
        lastBad[invariant] = now
        lastFigures[invariant] = figure
    }

    /// Whether every invariant has held since `stable` ago (and at least that long after `heal`).
    func isStable(heal: ContinuousClock.Instant, at now: ContinuousClock.Instant) -> Bool {
        let latest = lastBad.values.max() ?? heal
        return now - max(latest, heal) >= Self.stable && now - heal >= Self.inFlight + Self.stable
    }

    /// Seconds from the heal until `invariant` held for good (0 when it never failed).
    func recovery(_ invariant: String, heal: ContinuousClock.Instant, interval: Duration) -> Double {
        guard let last = lastBad[invariant] else { return 0 }
        return max(0, (last + interval - heal).seconds)
    }
}
