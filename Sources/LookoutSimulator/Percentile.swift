/// Nearest-rank percentiles of durations, for heartbeat round trips.
public enum Percentile {
    /// The `p`-th percentile (0…100) of `values` by the nearest-rank method: the smallest value
    /// that at least `p` % of the values are less than or equal to. `nil` for no values.
    /// `p` 0 gives the minimum, 100 the maximum.
    public static func nearestRank(_ p: Double, of values: [Duration]) -> Duration? {
        nearestRank(p, ofSorted: values.sorted())
    }

    /// As `nearestRank(_:of:)`, for values already sorted ascending.
    public static func nearestRank(_ p: Double, ofSorted sorted: [Duration]) -> Duration? {
        guard !sorted.isEmpty else { return nil }
        let clamped = min(max(p, 0), 100)
        let rank = Int((clamped / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
