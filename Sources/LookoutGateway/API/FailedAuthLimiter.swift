import Synchronization

/// Counts failed API-key attempts per client address in fixed one-minute windows. An address
/// that reached the limit is refused (429) until its window ends, even with a good key, so a
/// guesser learns nothing more. A Mutex'd dictionary: one lookup per `/api` request.
final class FailedAuthLimiter: Sendable {
    private struct Window {
        var start: ContinuousClock.Instant
        var failures: Int
    }

    let limit: Int
    let window: Duration
    private let windows = Mutex<[String: Window]>([:])
    /// Addresses kept before expired windows are swept out.
    private let sweepThreshold = 10_000

    init(limit: Int, window: Duration = .seconds(60)) {
        self.limit = limit
        self.window = window
    }

    /// Whole seconds until `address` may try again, or nil when it may now.
    func retryAfter(_ address: String, now: ContinuousClock.Instant = .now) -> Int? {
        windows.withLock { windows in
            guard let current = windows[address] else { return nil }
            let ends = current.start + window
            guard now < ends else {
                windows[address] = nil
                return nil
            }
            guard current.failures >= limit else { return nil }
            let (seconds, attoseconds) = (ends - now).components
            return Int(seconds) + (attoseconds > 0 ? 1 : 0)
        }
    }

    func recordFailure(_ address: String, now: ContinuousClock.Instant = .now) {
        windows.withLock { windows in
            if windows.count >= sweepThreshold {
                windows = windows.filter { now < $0.value.start + window }
            }
            if let current = windows[address], now < current.start + window {
                windows[address]?.failures = current.failures + 1
            } else {
                windows[address] = Window(start: now, failures: 1)
            }
        }
    }
}
