/// Whether the presence sweeper may believe the liveness set: a pure state machine over what
/// the sweeper saw of Redis, times in Unix ms.
///
/// Gateways write heartbeats into the liveness set once a second. While Redis is unreachable
/// (an error, a freeze, a restart) those writes wait or fail, so scores read just after it
/// returns are older than the NVRs' real last heartbeats, and an empty set after a data loss
/// says nothing at all. So after any trouble the sweeper expires no one until Redis has
/// answered normally for `grace` (one heartbeat interval): time for every gateway to flush the
/// heartbeats it kept, or to re-announce its sessions after a loss.
///
/// Trouble is: a failed call; an answer after a long silence (`silenceLimit` without any
/// answer: a frozen Redis answers late, not never; it also catches the sweeper itself held up);
/// a reconnect (a restart between two sweeps fails no command); a lost data marker
/// (``RedisDataMarker``, in LookoutRedis). A sweeper that just started knows nothing yet, and
/// waits `grace` from its first answer too.
public struct LivenessTrust: Sendable, Hashable {
    public enum Trouble: String, Sendable, Hashable {
        /// The sweeper's first answer from Redis.
        case started
        /// Calls failed; this is the first answer since.
        case error
        /// No answer for longer than `silenceLimit`: Redis (or the sweeper) was frozen.
        case silence
        /// The client had to open a new connection: Redis restarted, or the network broke.
        case reconnect
        /// Redis lost its data (the marker is gone).
        case dataLost = "data_lost"
    }

    public let grace: Int64
    public let silenceLimit: Int64
    /// Since when (Unix ms) Redis has answered without trouble; nil while it fails (or before
    /// the first answer).
    public private(set) var reachableSince: Int64?
    private var lastAnswerAt: Int64?
    private var failing = false

    public init(grace: Int64, silenceLimit: Int64) {
        self.grace = grace
        self.silenceLimit = silenceLimit
    }

    /// A call to Redis failed.
    public mutating func failed() {
        failing = true
        reachableSince = nil
    }

    /// A round trip answered at `answeredAt`; `reconnected` and `dataLost` are what it
    /// revealed. Returns the trouble it ends (the grace then starts at `answeredAt`), if any.
    @discardableResult
    public mutating func answered(at answeredAt: Int64, reconnected: Bool = false, dataLost: Bool = false) -> Trouble? {
        let trouble: Trouble? =
            if lastAnswerAt == nil { .started } else if failing { .error } else if dataLost { .dataLost } else if reconnected {
                .reconnect
            } else if let last = lastAnswerAt, answeredAt - last > silenceLimit { .silence } else { nil }
        lastAnswerAt = answeredAt
        failing = false
        if trouble != nil || reachableSince == nil { reachableSince = answeredAt }
        return trouble
    }

    /// Whether liveness read by a round trip sent at `sentAt` may expire NVRs: Redis had been
    /// answering without trouble for `grace` by then.
    public func mayExpire(readAt sentAt: Int64) -> Bool {
        guard let since = reachableSince else { return false }
        return sentAt - since >= grace
    }

    /// When expiring may start again (Unix ms), while it may not; nil while Redis fails.
    public var trustedFrom: Int64? { reachableSince.map { $0 + grace } }
}
