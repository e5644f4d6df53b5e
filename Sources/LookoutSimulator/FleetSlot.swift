import Synchronization

/// One agent of an `NVRFleet` and its current connection, so the churn loop can pick a
/// connected agent and make it disconnect.
final class FleetSlot: Sendable {
    private struct State {
        var connection: Task<NVRAgentExit, any Error>?
        var authenticated = false
        var everAuthenticated = false
        var churned = false
    }

    let credential: NVRCredential
    private let state = Mutex(State())

    init(credential: NVRCredential) {
        self.credential = credential
    }

    /// Whether the agent is authenticated right now.
    var isConnected: Bool { state.withLock { $0.authenticated } }

    func attach(_ connection: Task<NVRAgentExit, any Error>) {
        state.withLock { state in
            state.connection = connection
            state.churned = false
        }
    }

    /// Marks the connection authenticated; returns whether the agent was authenticated before
    /// (so this is a reconnect).
    func authenticated() -> Bool {
        state.withLock { state in
            defer { state.authenticated = true; state.everAuthenticated = true }
            return state.everAuthenticated
        }
    }

    /// Forgets the connection that ended; returns whether it ended because of churn.
    func detach() -> Bool {
        state.withLock { state in
            defer { state = State(everAuthenticated: state.everAuthenticated) }
            return state.churned
        }
    }

    /// Closes the current connection (with 1000) if it is authenticated and not already
    /// churning; returns whether it did.
    func churn() -> Bool {
        state.withLock { state in
            guard state.authenticated, !state.churned, let connection = state.connection else { return false }
            state.churned = true
            connection.cancel()
            return true
        }
    }
}
