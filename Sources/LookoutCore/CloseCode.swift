/// WebSocket close codes the gateway uses, with the reason text it sends. docs/protocol.md
/// lists them; agents reconnect after every code except `authFailed`.
public enum CloseCode: UInt16, Sendable, CaseIterable {
    /// The gateway is shutting down; reconnect (to any gateway).
    case goingAway = 1001
    /// A binary frame: only JSON text frames are accepted.
    case unsupportedData = 1003
    /// A frame or message over the size limit.
    case messageTooBig = 1009
    /// A message that is valid JSON but not allowed now: a second `auth`, `heartbeat` from a dashboard.
    case protocolViolation = 4000
    /// Unknown hostname, wrong token, missing token, or a dashboard key that is not valid.
    case authFailed = 4001
    /// No `auth` or `dashboard` message within the auth timeout.
    case authTimeout = 4002
    /// A message other than `auth`/`dashboard` before authenticating.
    case notAuthenticated = 4003
    /// The same NVR authenticated on a newer connection; this one is closed.
    case replaced = 4004
    /// No message for 1.5 heartbeat intervals.
    case heartbeatTimeout = 4005
    /// The NVR's token was rotated or the NVR deleted; a dashboard's API key was revoked or expired.
    case tokenRevoked = 4006
    /// Too many invalid messages in a row.
    case tooManyErrors = 4008
    /// A dashboard that cannot keep up with the changes, or any socket that leaves the gateway's
    /// replies unread (pongs are dropped, not counted) past its outbound buffer's 64 KiB.
    case tooSlow = 4009
    /// `auth` or `dashboard` from a client address with too many failed authentications in the
    /// last minute (`LOOKOUT_AUTH_FAILURE_LIMIT`, counted with the HTTP API's); refused unchecked.
    case authRateLimited = 4029
    /// The gateway is draining to stop (a restart, a deploy): reconnect at once, with a little
    /// jitter, through the load balancer; the NVR is not marked offline if it is back within
    /// the flap grace. Also what a draining gateway answers a new `auth` or `dashboard`.
    case serviceRestart = 1012
    /// The gateway could not reach Redis or PostgreSQL to accept the connection; retry later.
    case unavailable = 1013

    public var reason: String {
        switch self {
        case .goingAway: "gateway shutting down"
        case .unsupportedData: "binary frames are not supported"
        case .messageTooBig: "message too big"
        case .protocolViolation: "protocol violation"
        case .authFailed: "authentication failed"
        case .authTimeout: "authentication timeout"
        case .notAuthenticated: "not authenticated"
        case .replaced: "replaced by a newer connection"
        case .heartbeatTimeout: "heartbeat timeout"
        case .tokenRevoked: "token revoked"
        case .tooManyErrors: "too many invalid messages"
        case .tooSlow: "client too slow"
        case .authRateLimited: "too many failed authentications"
        case .serviceRestart: "gateway restarting, reconnect now"
        case .unavailable: "service unavailable, retry later"
        }
    }
}
