import Synchronization

/// Tells one agent connection to close itself with 1000. `NVRAgent.run()` fires it when its
/// task is cancelled, instead of cancelling the WebSocket task: cancelling that task would cut
/// the socket without a close handshake.
final class StopSignal: Sendable {
    private struct State {
        var requested = false
        var connectionOpen = false
        var continuation: AsyncStream<Void>.Continuation?
    }

    private let state: Mutex<State>
    private let stream: AsyncStream<Void>

    init() {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        self.stream = stream
        self.state = Mutex(State(continuation: continuation))
    }

    /// Requests the stop. Returns whether an open connection will close itself; when it returns
    /// `false` nothing is open yet, and the caller may abort the connect attempt.
    func fire() -> Bool {
        state.withLock { state in
            state.requested = true
            state.continuation?.finish()
            state.continuation = nil
            return state.connectionOpen
        }
    }

    /// Marks the WebSocket open. Returns `false` when the stop was already requested.
    func connectionOpened() -> Bool {
        state.withLock { state in
            state.connectionOpen = true
            return !state.requested
        }
    }

    var isRequested: Bool { state.withLock { $0.requested } }

    /// Returns once `fire()` was called. Only one task may wait.
    func wait() async {
        for await _ in stream {}
    }
}
