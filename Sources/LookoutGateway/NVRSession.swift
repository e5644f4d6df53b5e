import Foundation
import LookoutCore
import Synchronization

/// One authenticated NVR connection on this gateway.
final class NVRSession: Sendable {
    let hostname: String
    let sessionID: String
    /// The connection version; a re-announce after Redis lost its data takes a new one.
    let version: Atomic<Int64>
    /// Unix ms of the last message from the agent.
    let lastSeen: Atomic<Int64>
    /// Why the gateway closed it, if it did; otherwise the agent closed it.
    private let closeState = Mutex<CloseCode?>(nil)
    private let disconnectPublished = Atomic(false)
    private let closer: @Sendable (CloseCode) -> Void

    init(hostname: String, sessionID: String, version: Int64, now: Int64, closer: @escaping @Sendable (CloseCode) -> Void) {
        self.hostname = hostname
        self.sessionID = sessionID
        self.version = Atomic(version)
        self.lastSeen = Atomic(now)
        self.closer = closer
    }

    /// Closes the socket with `code` (once; later calls do nothing). Returns at once: the close
    /// handshake runs on the socket's event loop.
    func close(_ code: CloseCode) {
        if claimClose(code) { closer(code) }
    }

    /// Records why the gateway closes the socket; false if it was closed already. The caller
    /// closes it.
    func claimClose(_ code: CloseCode) -> Bool {
        closeState.withLock { state in
            guard state == nil else { return false }
            state = code
            return true
        }
    }

    var closedBy: CloseCode? { closeState.withLock { $0 } }

    var currentVersion: Int64 { version.load(ordering: .relaxed) }

    /// True once: the `disconnected` event is published by whoever ends the session first
    /// (the watchdog right when it closes a silent socket, or the handler when the socket ends).
    func claimDisconnect() -> Bool {
        !disconnectPublished.exchange(true, ordering: .relaxed)
    }

    /// Whether the session ended (its `disconnected` is claimed).
    var isEnded: Bool { disconnectPublished.load(ordering: .relaxed) }

    /// The `reason` of the `disconnected` event this session ends with.
    var disconnectReason: String {
        switch closedBy {
        case nil: "closed"
        case .replaced: "replaced"
        case .heartbeatTimeout: "silent"
        case .goingAway: "shutdown"
        case .serviceRestart: "drained"
        case .tokenRevoked: "revoked"
        case .some: "error"
        }
    }
}
