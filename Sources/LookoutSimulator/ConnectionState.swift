import Synchronization

/// What one connection learned, shared by its reader and heartbeat tasks and read by
/// `NVRAgent.run()` when building the `NVRAgentExit`.
final class ConnectionState: Sendable {
    private struct State {
        var opened = false
        var session: String?
        /// Send times of the heartbeats not yet acknowledged, oldest first.
        var pendingHeartbeats: [ContinuousClock.Instant] = []
    }

    /// At most this many unanswered heartbeats are remembered for RTT matching.
    static let maximumPending = 16

    private let state = Mutex(State())

    var opened: Bool { state.withLock { $0.opened } }
    var session: String? { state.withLock { $0.session } }

    func markOpened() {
        state.withLock { $0.opened = true }
    }

    func authenticated(session: String) {
        state.withLock { $0.session = session }
    }

    func heartbeatSent(at instant: ContinuousClock.Instant) {
        state.withLock { state in
            if state.pendingHeartbeats.count >= Self.maximumPending {
                state.pendingHeartbeats.removeFirst()
            }
            state.pendingHeartbeats.append(instant)
        }
    }

    /// The round trip of the oldest unanswered heartbeat (acks come in order), or `nil` for an
    /// ack nobody waits for.
    func heartbeatAcknowledged(at instant: ContinuousClock.Instant) -> Duration? {
        state.withLock { state in
            guard !state.pendingHeartbeats.isEmpty else { return nil }
            return instant - state.pendingHeartbeats.removeFirst()
        }
    }
}
