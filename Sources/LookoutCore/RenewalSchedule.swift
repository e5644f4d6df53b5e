/// When a stream URL is renewed: at a fixed share of its lifetime, so a 7-day URL renews after
/// about 5 days (70 %), as the old cron did, and retries still have two days before expiry.
public struct RenewalSchedule: Sendable, Hashable {
    /// 0 < share < 1.
    public var lifetimeShare: Double

    public init(lifetimeShare: Double = 0.7) {
        precondition(lifetimeShare > 0 && lifetimeShare < 1, "lifetimeShare must be between 0 and 1")
        self.lifetimeShare = lifetimeShare
    }

    /// Due time (Unix seconds) for a URL issued at `issuedAt` that expires at `expiresAt`.
    /// Overflow-checked: any pair of times gives a due time, never a trap.
    public func dueAt(issuedAt: Int64, expiresAt: Int64) -> Int64 {
        let (difference, overflow) = expiresAt.subtractingReportingOverflow(issuedAt)
        let lifetime = overflow ? (expiresAt > issuedAt ? Int64.max : 0) : max(0, difference)
        let share = (Double(lifetime) * lifetimeShare).rounded(.down)
        let part = share < 9.2e18 ? Int64(share) : Int64.max
        let (due, late) = issuedAt.addingReportingOverflow(part)
        return late ? Int64.max : due
    }
}
