/// An NVR's or camera's status as stored and shown.
public enum DeviceStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case online
    case offline
    case unknown
}

/// Why a camera has the status it has; shown on the dashboard next to it.
public enum CameraStatusReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// Its NVR is offline, so it is too: one alert for the NVR, not one per camera.
    case nvrOffline = "nvr_offline"
    case nvrOnline = "nvr_online"
    /// The cloud says the device is offline.
    case deviceOffline = "device_offline"
    /// The stream URL expired before a renewal succeeded.
    case streamExpired = "stream_expired"
    case disabled
}

/// Where a camera's stream renewal stands.
public enum RenewalState: String, Sendable, Hashable, Codable, CaseIterable {
    /// No URL yet, nothing scheduled.
    case idle
    /// A job is due at `renewal_due_at`.
    case scheduled
    /// A worker holds the job's lease.
    case running
    /// The last attempt failed; a retry is scheduled before the URL expires.
    case retrying
    /// Gave up: in the dead set with its error.
    case failed
}
