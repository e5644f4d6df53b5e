/// When a drain closes each of its sessions: spread evenly over the window, the i-th (from 0)
/// of `count` at `window · (i+1) / count`, so the last closes as the window ends and the load
/// balancer has had `window / count` to see `/readyz` turn 503 before the first. A zero window
/// closes every session at once.
struct DrainSchedule: Sendable, Hashable {
    let count: Int
    let window: Duration

    /// How often the drain looks for sessions due (and how late one may close).
    static let step = Duration.milliseconds(20)

    /// How many sessions are due `elapsed` after the drain began.
    func due(after elapsed: Duration) -> Int {
        guard count > 0 else { return 0 }
        guard window > .zero, elapsed < window else { return count }
        guard elapsed > .zero else { return 0 }
        return min(count, Int((elapsed / window * Double(count)).rounded(.down)))
    }
}
