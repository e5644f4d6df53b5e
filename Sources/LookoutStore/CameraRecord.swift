public import LookoutCore

/// A camera as the HTTP API shows it: everything but its stream URLs and snapshot URL, which
/// are signed cloud URLs (``hasStream`` and ``hasSnapshot`` say whether they exist). Times are
/// Unix milliseconds.
public struct CameraRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var nvrId: Int64?
    public var name: String
    public var status: DeviceStatus
    /// `nvr_offline` means offline because its NVR is.
    public var statusReason: String?
    public var statusChangedAt: Int64
    public var enabled: Bool
    public var mediamtxPath: String?
    public var hikResourceId: String?
    public var hikDeviceSerial: String?
    public var hikChannelNo: Int?
    public var hasStream: Bool
    public var streamExpiresAt: Int64?
    public var hasPendingStream: Bool
    public var pendingStreamExpiresAt: Int64?
    public var renewalState: String
    public var renewalDueAt: Int64?
    public var renewalAttempts: Int
    /// The last renewal error, with any URL in it replaced by `[redacted]`.
    public var renewalLastError: String?
    public var hasSnapshot: Bool
    public var snapshotAt: Int64?
    public var createdAt: Int64
    public var updatedAt: Int64
}

/// A new camera. Status starts `unknown`; streams come from renewals, never from here.
public struct CameraDraft: Sendable, Hashable {
    public var nvrId: Int64?
    public var name: String
    public var enabled: Bool
    public var mediamtxPath: String?
    public var hikResourceId: String?
    public var hikDeviceSerial: String?
    public var hikChannelNo: Int?

    public init(
        nvrId: Int64? = nil, name: String, enabled: Bool = true, mediamtxPath: String? = nil, hikResourceId: String? = nil,
        hikDeviceSerial: String? = nil, hikChannelNo: Int? = nil
    ) {
        self.nvrId = nvrId
        self.name = name
        self.enabled = enabled
        self.mediamtxPath = mediamtxPath
        self.hikResourceId = hikResourceId
        self.hikDeviceSerial = hikDeviceSerial
        self.hikChannelNo = hikChannelNo
    }
}

/// Changes to a camera: nil leaves a field as it is; `.some(nil)` clears a nullable one.
public struct CameraChanges: Sendable, Hashable {
    public var nvrId: Int64??
    public var name: String?
    public var enabled: Bool?
    public var mediamtxPath: String??
    public var hikResourceId: String??
    public var hikDeviceSerial: String??
    public var hikChannelNo: Int??

    public init() {}
}

/// Which cameras a list returns, and which page of them.
public struct CameraQuery: Sendable, Hashable {
    public var status: DeviceStatus?
    public var nvrId: Int64?
    /// Rows to skip and rows to return, ordered by id.
    public var offset: Int
    public var limit: Int

    public init(status: DeviceStatus? = nil, nvrId: Int64? = nil, offset: Int = 0, limit: Int = 50) {
        self.status = status
        self.nvrId = nvrId
        self.offset = offset
        self.limit = limit
    }
}

/// A camera's latest snapshot: its URL (fetched by the snapshot worker) and when it was taken.
public struct CameraSnapshot: Sendable, Hashable, Codable {
    public var url: String
    public var takenAt: Int64
}
