/// What a renewal needs to know about a camera.
public struct RenewalTarget: Sendable, Hashable {
    public var cameraID: Int64
    public var resourceID: String?
    public var deviceSerial: String?
    public var channelNo: Int?
    public var enabled: Bool
    /// Unix ms of the URL in use; nil when the camera has none yet.
    public var streamExpiresAt: Int64?
    public var attempts: Int
}

/// A camera as Hik-Connect discovery reports it.
public struct DiscoveredCamera: Sendable, Hashable {
    public var resourceID: String
    public var name: String
    public var deviceSerial: String
    public var channelNo: Int

    public init(resourceID: String, name: String, deviceSerial: String, channelNo: Int) {
        self.resourceID = resourceID
        self.name = name
        self.deviceSerial = deviceSerial
        self.channelNo = channelNo
    }
}

/// What discovery did.
public struct DiscoveryCounts: Sendable, Hashable, Codable {
    public var found = 0
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    /// Created or kept without an NVR: no NVR has their device serial.
    public var unlinked = 0
    /// Not stored, with why (resource id → reason).
    public var skipped: [String: String] = [:]
    /// Ids of the cameras created (their first renewal is due now).
    public var createdIDs: [Int64] = []
    /// Device serials seen.
    public var devices: [String] = []

    public init() {}
}
