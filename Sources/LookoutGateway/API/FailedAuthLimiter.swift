import LookoutCore
import Synchronization

/// Counts failed authentications (API keys on `/api`, dashboard keys and NVR tokens on `/ws`)
/// per client address in fixed windows (one minute). An address that reached the limit is
/// refused (HTTP 429, `/ws` close 4029) until its window ends, even with a good key, so a
/// guesser learns nothing more; the refusal costs no database query.
///
/// Addresses are grouped as an attacker gets them: an IPv6 client by its /64 (one host gets a
/// whole /64 and can use a new address for every attempt), IPv4 by the address. Memory is
/// bounded: at most ``capacity`` addresses; past it the window started longest ago is dropped.
/// An attacker who controls more than ``capacity`` /64s can thereby reset its own windows, no
/// one else's limit is raised: what is dropped is only the memory of older failures.
final class FailedAuthLimiter: Sendable {
    private struct Window {
        var start: ContinuousClock.Instant
        var failures: Int
    }

    private struct State {
        var windows: [String: Window] = [:]
        /// Window starts in the order they happened (oldest first, from `head`): evicting and
        /// expiring both take from the front. An entry whose window was since replaced is stale
        /// and skipped.
        var order: [(key: String, start: ContinuousClock.Instant)] = []
        var head = 0
    }

    private final class Storage: Sendable {
        let state = Mutex(State())
    }

    let limit: Int
    let window: Duration
    /// Addresses remembered at most: ~150 bytes each, so 100,000 is ~15 MB at worst, and more
    /// than the distinct failing addresses of any window seen in practice.
    let capacity: Int
    private let storage = Storage()

    /// The gateway makes one and hands it to the HTTP API and `/ws` alike: the same count,
    /// whichever door a guesser uses.
    init(limit: Int, window: Duration = .seconds(60), capacity: Int = 100_000) {
        self.limit = limit
        self.window = window
        self.capacity = capacity
    }

    /// Whole seconds until `address` may try again, or nil when it may now.
    func retryAfter(_ address: String, now: ContinuousClock.Instant = .now) -> Int? {
        let key = Self.key(address)
        return storage.state.withLock { state in
            guard let current = state.windows[key] else { return nil }
            let ends = current.start + window
            guard now < ends else {
                state.windows[key] = nil
                return nil
            }
            guard current.failures >= limit else { return nil }
            let (seconds, attoseconds) = (ends - now).components
            return Int(seconds) + (attoseconds > 0 ? 1 : 0)
        }
    }

    func recordFailure(_ address: String, now: ContinuousClock.Instant = .now) {
        let key = Self.key(address)
        storage.state.withLock { state in
            if let current = state.windows[key], now < current.start + window {
                state.windows[key]?.failures = current.failures + 1
                return
            }
            dropOld(&state, now: now)
            state.windows[key] = Window(start: now, failures: 1)
            state.order.append((key, now))
        }
    }

    /// Addresses remembered now (tests).
    var count: Int { storage.state.withLock { $0.windows.count } }

    /// Drops expired and stale entries from the front, then the oldest windows until one more fits.
    private func dropOld(_ state: inout State, now: ContinuousClock.Instant) {
        while state.head < state.order.count {
            let (key, start) = state.order[state.head]
            let current = state.windows[key]
            let stale = current?.start != start
            let expired = now >= start + window
            guard stale || expired || state.windows.count >= capacity else { break }
            if !stale { state.windows[key] = nil }
            state.head += 1
        }
        if state.head > 1024, state.head * 2 > state.order.count {
            state.order.removeFirst(state.head)
            state.head = 0
        }
    }

    /// What an address is counted as: ``IPNetwork/limitGroup(_:)`` (IPv6 by its /64).
    static func key(_ address: String) -> String { IPNetwork.limitGroup(address) }
}
