/// An NVR as dashboards see it: in snapshots and in change notifications. Times are Unix
/// milliseconds. No token, no stream URL: this goes to viewers.
public struct NVRState: Sendable, Hashable, Codable {
    public var id: Int64
    public var hostname: String
    public var name: String
    public var status: DeviceStatus
    public var statusChangedAt: Int64
    public var lastSeenAt: Int64?
    /// Connection version of the state (fencing; also lets a gateway close a replaced socket).
    public var version: Int64
    public var session: String?
    public var gateway: String?
    public var cameras: [CameraState]

    public init(
        id: Int64, hostname: String, name: String, status: DeviceStatus, statusChangedAt: Int64, lastSeenAt: Int64?, version: Int64,
        session: String?, gateway: String?, cameras: [CameraState]
    ) {
        self.id = id
        self.hostname = hostname
        self.name = name
        self.status = status
        self.statusChangedAt = statusChangedAt
        self.lastSeenAt = lastSeenAt
        self.version = version
        self.session = session
        self.gateway = gateway
        self.cameras = cameras
    }
}

/// A camera as dashboards see it.
public struct CameraState: Sendable, Hashable, Codable {
    public var id: Int64
    public var name: String
    public var status: DeviceStatus
    /// `nvr_offline` means "offline because its NVR is": dashboards show one alert, for the NVR.
    public var statusReason: String?
    public var enabled: Bool
    public var path: String?
    public var streamExpiresAt: Int64?
    public var renewalState: String

    public init(
        id: Int64, name: String, status: DeviceStatus, statusReason: String?, enabled: Bool, path: String?, streamExpiresAt: Int64?,
        renewalState: String
    ) {
        self.id = id
        self.name = name
        self.status = status
        self.statusReason = statusReason
        self.enabled = enabled
        self.path = path
        self.streamExpiresAt = streamExpiresAt
        self.renewalState = renewalState
    }
}
