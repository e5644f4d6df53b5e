/// Where an observed map (PostgreSQL, a dashboard) differs from its reference (the fleet,
/// PostgreSQL), and since when, so that a difference still in flight (an event a few
/// milliseconds old) is told from one that stays. A key's clock restarts whenever its
/// reference value changes: only a difference that outlives a stable reference counts.
struct Divergence: Sendable {
    struct Entry: Sendable {
        var since: ContinuousClock.Instant
        var reference: String
        var observed: String
    }

    private(set) var entries: [String: Entry] = [:]

    /// Records one sample of both sides; a key missing from `observed` reads "missing".
    mutating func update(reference: [String: String], observed: [String: String], at now: ContinuousClock.Instant) {
        var next: [String: Entry] = [:]
        for (key, expected) in reference {
            let seen = observed[key] ?? "missing"
            guard seen != expected else { continue }
            if let entry = entries[key], entry.reference == expected {
                next[key] = Entry(since: entry.since, reference: expected, observed: seen)
            } else {
                next[key] = Entry(since: now, reference: expected, observed: seen)
            }
        }
        for (key, seen) in observed where reference[key] == nil {
            next[key] = entries[key].map { Entry(since: $0.since, reference: "missing", observed: seen) }
                ?? Entry(since: now, reference: "missing", observed: seen)
        }
        entries = next
    }

    /// Keys that have differed for at least `age`.
    func persistent(_ age: Duration, at now: ContinuousClock.Instant) -> [String: Entry] {
        entries.filter { now - $0.value.since >= age }
    }
}
