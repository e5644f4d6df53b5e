/// One NVR connection as its history shows it. Times are Unix milliseconds.
public struct NVRSessionRecord: Sendable, Hashable, Codable {
    public var sessionId: String
    public var connectionVersion: Int64
    public var gateway: String
    public var connectedAt: Int64
    /// nil while the session is open.
    public var disconnectedAt: Int64?
    /// `closed`, `silent`, `replaced`, `error`, `shutdown`, `expired`, `revoked`, `drained` (a
    /// draining gateway sent the agent elsewhere; the NVR was not marked offline).
    public var disconnectReason: String?

    public init(
        sessionId: String, connectionVersion: Int64, gateway: String, connectedAt: Int64, disconnectedAt: Int64?, disconnectReason: String?
    ) {
        self.sessionId = sessionId
        self.connectionVersion = connectionVersion
        self.gateway = gateway
        self.connectedAt = connectedAt
        self.disconnectedAt = disconnectedAt
        self.disconnectReason = disconnectReason
    }
}

/// How long an NVR was connected within a window, from its sessions.
public struct NVRUptime: Sendable, Hashable, Codable {
    /// The window, Unix milliseconds.
    public var from: Int64
    public var to: Int64
    /// Milliseconds within the window covered by at least one session.
    public var connectedMillis: Int64
    /// `connectedMillis` over the window's length, 0…1.
    public var ratio: Double

    /// Sessions may overlap (a replaced connection ends just after its successor starts), so
    /// they are merged first: overlapping time counts once. An open session (`end` nil) lasts
    /// until `to`.
    public init(from: Int64, to: Int64, sessions: [(start: Int64, end: Int64?)]) {
        self.from = from
        self.to = to
        let clipped = sessions.compactMap { session -> (Int64, Int64)? in
            let start = max(session.start, from)
            let end = min(session.end ?? to, to)
            return end > start ? (start, end) : nil
        }.sorted { $0.0 < $1.0 }
        var covered: Int64 = 0
        var current: (Int64, Int64)?
        for interval in clipped {
            if let open = current, interval.0 <= open.1 {
                current = (open.0, max(open.1, interval.1))
            } else {
                if let open = current { covered += open.1 - open.0 }
                current = interval
            }
        }
        if let open = current { covered += open.1 - open.0 }
        connectedMillis = covered
        ratio = to > from ? Double(covered) / Double(to - from) : 0
    }
}
