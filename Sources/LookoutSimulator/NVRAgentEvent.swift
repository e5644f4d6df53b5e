/// What happens on an agent's connection, reported through `NVRAgent`'s `onEvent` callback
/// as it happens (from the connection's own task: keep the callback short and non-blocking).
public enum NVRAgentEvent: Sendable, Hashable {
    /// The WebSocket upgrade succeeded; `auth` is being sent.
    case connected
    /// The gateway sent `auth_ok`. `heartbeatInterval` is the interval the agent uses: the
    /// announced one, or the override.
    case authenticated(session: String, heartbeatInterval: Duration)
    /// The gateway sent `auth_error`; a 4001 close follows.
    case authRejected(code: String, error: String)
    /// A `heartbeat_ack` arrived `roundTrip` after the oldest unanswered heartbeat was sent.
    case heartbeatAcknowledged(roundTrip: Duration, serverTime: Int64)
    /// The gateway sent `{"type":"error",…}`; the connection stays open.
    case gatewayError(code: String, message: String)
}
