/// Every Redis key and channel name Lookout uses, derived from one prefix in one place.
public struct RedisKeys: Sendable, Hashable {
    public let prefix: String

    public init(prefix: String = "lookout:") {
        self.prefix = prefix
    }

    /// Stream of presence events from gateways to presence workers.
    public var presenceStream: String { prefix + "presence" }
    /// Where presence events go after too many failed deliveries.
    public var presenceDeadLetters: String { deadLetters(ofStream: presenceStream) }
    /// The dead-letter stream of a worker's stream (its full key): malformed or refused entries.
    public func deadLetters(ofStream stream: String) -> String { stream + ":dead" }
    /// Sorted set: NVR hostname → last heartbeat (Unix ms), written by gateways, read by the sweeper.
    public var liveness: String { prefix + "liveness" }
    /// Per-NVR connection version counter (INCR).
    public func connectionVersion(hostname: String) -> String { prefix + "nvr:version:" + hostname }
    /// Set once, no TTL (``RedisDataMarker``): found gone or changed, Redis lost its data.
    public var dataMarker: String { prefix + "redis:marker" }
    /// A gateway's own liveness key (TTL); its value is the gateway's boot id.
    public func gateway(_ gatewayID: String) -> String { prefix + "gateway:" + gatewayID }
    /// Pub/sub channel of numbered dashboard notifications.
    public var notifyChannel: String { prefix + "notify" }
    /// Capped stream keeping recent notifications for dashboards that reconnect.
    public var notifyHistory: String { prefix + "notify:history" }
    /// Notification sequence counter.
    public var notifySequence: String { prefix + "notify:seq" }
    /// The notification feed's current epoch: a new one whenever the sequence is found missing.
    public var notifyEpoch: String { prefix + "notify:epoch" }
    /// Hash: subject (`nvr:<id>`) → the rank of the newest state published for it, so a state
    /// read before a newer one was published is never published after it.
    public var notifyRanks: String { prefix + "notify:ranks" }
    /// Sorted set of camera renewals by due time (Unix seconds).
    public var renewals: String { prefix + "renewals" }
    /// Renewals that gave up, with their error.
    public var renewalsDead: String { prefix + "renewals:dead" }
    /// Sorted set of renewals being worked on, by lease end.
    public var renewalsRunning: String { prefix + "renewals:running" }
    /// Prefix of the per-camera renewal lease keys (the claim script appends the camera id).
    public var renewalLeasePrefix: String { prefix + "renewals:lease:" }
    /// A camera's renewal lease: holds the claim's token.
    public func renewalLease(cameraID: Int64) -> String { renewalLeasePrefix + String(cameraID) }
    /// Set when the renewal queue was seeded from PostgreSQL; missing after Redis lost its data.
    public var renewalsSeeded: String { prefix + "renewals:seeded" }
    /// Set while renewals are paused because Hik-Connect refused the credentials (value: the
    /// error, never a secret); every renewal worker stops claiming until a probe succeeds.
    public var renewalsPaused: String { prefix + "renewals:paused" }
    /// Lock so that one renewal worker at a time probes whether paused renewals may resume.
    public var renewalsProbe: String { prefix + "renewals:probe" }
    /// A stream named by a worker file (`presence` by default), under the prefix.
    public func stream(_ name: String) -> String { prefix + name }
    /// Pub/sub channel telling the MediaMTX sync that desired paths changed (payload: a path
    /// name, or empty for "anything"). A hint only: the sync also reconciles every minute.
    public var mediamtxChanged: String { prefix + "mediamtx:changed" }
    /// Pub/sub channel of gateway control messages (revoked NVR connections).
    public var gatewayControl: String { prefix + "gateway:control" }
    /// Lease of the single active MediaMTX sync.
    public var mediamtxLease: String { prefix + "mediamtx:lease" }
    /// The Hik-Connect rate limiter's window, shared by every process.
    public var hikRateLimit: String { prefix + "hik:ratelimit" }
    /// Set (with a TTL) after the cloud answered "rate limited": every process's limiter waits
    /// until it expires before taking a slot.
    public var hikRateLimitBackoff: String { prefix + "hik:ratelimit:backoff" }
    /// The cached Hik-Connect access token, shared by every process.
    public var hikToken: String { prefix + "hik:token" }
}
