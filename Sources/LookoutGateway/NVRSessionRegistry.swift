import Synchronization

/// The NVR sessions this gateway holds, by hostname, and which ones sent a heartbeat since
/// the last liveness flush. A Mutex, not an actor: a heartbeat is one dictionary update and
/// must stay cheap at 20,000 connections.
final class NVRSessionRegistry: Sendable {
    private struct State {
        var sessions: [String: NVRSession] = [:]
        var seen: [String: Int64] = [:]
    }

    private let state = Mutex(State())
    private let draining = Atomic(false)

    /// Set when the gateway starts shutting down: from then on `/readyz` answers 503 `draining`
    /// and new NVRs and dashboards are turned away (1012), so an agent that was just closed
    /// reconnects to another gateway, not to this one again.
    var isDraining: Bool {
        get { draining.load(ordering: .relaxed) }
    }

    func startDraining() { draining.store(true, ordering: .relaxed) }

    /// Adds a session; returns the one it replaces (the same NVR connected twice), to be closed.
    func register(_ session: NVRSession) -> NVRSession? {
        state.withLock { state in
            let previous = state.sessions[session.hostname]
            state.sessions[session.hostname] = session
            state.seen[session.hostname] = session.lastSeen.load(ordering: .relaxed)
            return previous
        }
    }

    /// Removes the session unless a newer one for the same NVR took its place.
    func unregister(_ session: NVRSession) {
        state.withLock { state in
            if state.sessions[session.hostname] === session { state.sessions[session.hostname] = nil }
        }
    }

    func touch(_ session: NVRSession, at now: Int64) {
        session.lastSeen.store(now, ordering: .relaxed)
        state.withLock { $0.seen[session.hostname] = now }
    }

    /// The heartbeats since the last call: hostname → Unix ms.
    func drainSeen() -> [String: Int64] {
        state.withLock { state in
            defer { state.seen.removeAll(keepingCapacity: true) }
            return state.seen
        }
    }

    /// Puts back heartbeats that did not reach Redis, for the next flush; a newer heartbeat of
    /// the same NVR since the drain wins.
    func restoreSeen(_ seen: [String: Int64]) {
        guard !seen.isEmpty else { return }
        state.withLock { state in
            state.seen.merge(seen) { newer, older in max(newer, older) }
        }
    }

    func session(hostname: String) -> NVRSession? {
        state.withLock { $0.sessions[hostname] }
    }

    var all: [NVRSession] { state.withLock { Array($0.sessions.values) } }
    var count: Int { state.withLock { $0.sessions.count } }
}
