/// A snapshot of an `NVRFleet`'s counters.
public struct FleetStats: Sendable, Hashable {
    /// Agents in the fleet.
    public var agents: Int
    /// Agents authenticated right now.
    public var connectedNow: Int
    /// `auth_ok`s received, over the fleet's life.
    public var connects: Int
    /// Connects after an agent's first: after churn, drops and gateway restarts.
    public var reconnects: Int
    /// Connections that ended, by the gateway's close code.
    public var disconnectsByCloseCode: [UInt16: Int]
    /// Connections that ended without a close frame.
    public var disconnectsWithoutCloseFrame: Int
    /// Connect attempts that failed before the WebSocket was open (refused, upgrade rejected).
    public var connectFailures: Int
    /// Connections closed with 4001 (authentication failed).
    public var authFailures: Int
    /// Agents that gave up for good (after 4001, 4004 or 4006).
    public var stoppedAgents: Int
    /// Heartbeat round trips over the recent window (`FleetStatistics.rttWindow` samples).
    public var heartbeatRTTp50: Duration?
    public var heartbeatRTTp99: Duration?
    /// Heartbeat acknowledgements received, over the fleet's life.
    public var heartbeatAcks: Int

    /// The one-line status `lookout simulate nvrs` prints.
    public var statusLine: String {
        let p50 = heartbeatRTTp50.map(Self.milliseconds) ?? "-"
        let p99 = heartbeatRTTp99.map(Self.milliseconds) ?? "-"
        var line = "connected \(connectedNow)/\(agents), reconnects \(reconnects), rtt p50 \(p50) p99 \(p99)"
        if authFailures > 0 { line += ", auth failures \(authFailures)" }
        if stoppedAgents > 0 { line += ", stopped \(stoppedAgents)" }
        return line
    }

    static func milliseconds(_ duration: Duration) -> String {
        let ms = duration.inSeconds * 1000
        return ms < 10 ? "\((ms * 100).rounded() / 100)ms" : "\(Int(ms.rounded()))ms"
    }
}
