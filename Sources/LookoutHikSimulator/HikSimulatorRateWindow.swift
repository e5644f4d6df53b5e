/// The simulated account limit: a sliding window over request arrival times. It admits at
/// most `limit` requests in any `window` and remembers the most arrivals seen in one window
/// (all arrivals, refused ones too: that is what a client's limiter must keep at or under).
struct HikSimulatorRateWindow: Sendable {
    let window: Duration
    private var arrivals: [ContinuousClock.Instant] = []
    private var admitted: [ContinuousClock.Instant] = []
    private(set) var maxArrivals = 0

    init(window: Duration = .seconds(1)) {
        self.window = window
    }

    /// Records an arrival at `now`; false when `limit` requests were already admitted in the
    /// window ending now (a `limit` of 0 or less admits everything).
    mutating func arrive(at now: ContinuousClock.Instant, limit: Int, enforce: Bool) -> Bool {
        Self.trim(&arrivals, before: now - window)
        arrivals.append(now)
        maxArrivals = max(maxArrivals, arrivals.count)
        Self.trim(&admitted, before: now - window)
        if enforce, limit > 0, admitted.count >= limit { return false }
        admitted.append(now)
        return true
    }

    mutating func reset() {
        arrivals.removeAll()
        admitted.removeAll()
        maxArrivals = 0
    }

    /// Drops instants at or before `cutoff`: the window is (now − window, now].
    private static func trim(_ instants: inout [ContinuousClock.Instant], before cutoff: ContinuousClock.Instant) {
        if let keep = instants.firstIndex(where: { $0 > cutoff }) {
            instants.removeFirst(keep)
        } else {
            instants.removeAll()
        }
    }
}
