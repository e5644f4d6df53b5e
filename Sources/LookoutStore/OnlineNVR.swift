/// An NVR PostgreSQL holds online, with the connection that made it so: the sweeper compares
/// these with the Redis liveness set and publishes `disconnected` (same version and session)
/// for the ones whose liveness expired.
public struct OnlineNVR: Sendable, Hashable {
    public var id: Int64
    public var hostname: String
    /// The stored connection version.
    public var version: Int64
    public var sessionID: String?
    public var gatewayID: String?
    /// Unix milliseconds when it went online.
    public var statusChangedAt: Int64

    public init(id: Int64, hostname: String, version: Int64, sessionID: String?, gatewayID: String?, statusChangedAt: Int64) {
        self.id = id
        self.hostname = hostname
        self.version = version
        self.sessionID = sessionID
        self.gatewayID = gatewayID
        self.statusChangedAt = statusChangedAt
    }
}
