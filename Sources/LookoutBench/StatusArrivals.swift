/// The NVR statuses a dashboard was told, in the order it was told them, per hostname; and the
/// rule that matches an event to its notification.
///
/// The rule: an event (status S for hostname H at time t) is matched by the first arrival of S
/// for H at or after t, unless H's *other* status arrived in between. The dashboard receives
/// one NVR's changes in order, so a real notification of the event comes before any later
/// change's. An "other status first" means the event has no notification of its own (its
/// connect and disconnect fell into one worker batch, which shows only the final state), and
/// matching the next cycle's arrival would count a whole churn cycle as latency.
struct StatusArrivals: Sendable {
    private var arrivals: [String: [(status: String, at: ContinuousClock.Instant)]] = [:]

    mutating func record(hostname: String, status: String, at instant: ContinuousClock.Instant) {
        arrivals[hostname, default: []].append((status, instant))
    }

    func arrival(hostname: String, status: String, after since: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        for arrival in arrivals[hostname] ?? [] where arrival.at >= since {
            // The first status told at or after `since` decides: ours, or another one first.
            return arrival.status == status ? arrival.at : nil
        }
        return nil
    }
}
