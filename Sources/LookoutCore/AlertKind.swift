/// What an alert is about. One open alert at most per kind and subject; each opens and recovers
/// once (`docs/architecture.md`, "Alerts").
public enum AlertKind: String, Sendable, CaseIterable, Codable {
    /// An NVR offline longer than the flap grace (`LOOKOUT_FLAP_GRACE`); its recovery is the
    /// `nvr_back` message. Subject: the NVR.
    case nvrOffline = "nvr_offline"
    /// A camera's HLS path is down while it should play. Subject: the camera. Defined here, with
    /// the API to open and recover it; the detection comes with per-camera health.
    case cameraStreamDown = "camera_stream_down"
    /// A camera's renewal failed and is retrying; recovered by a renewal that succeeds.
    case renewalFailing = "renewal_failing"
    /// A camera's renewal cannot succeed (the dead set); recovered by a renewal that succeeds.
    case renewalDead = "renewal_dead"
    /// A camera's stream URL expires within `LOOKOUT_ALERT_EXPIRY_WARNING` (or has expired);
    /// recovered when its URL lives longer again, or it has none to lose any more.
    case urlExpiring = "url_expiring"
    /// Hik-Connect refused the account's credentials: every renewal is paused. Subject: the
    /// account. Recovered when a probe succeeds and renewals resume.
    case cloudCredentialsRejected = "cloud_credentials_rejected"

    /// What the subject id names.
    public var subjectType: AlertSubjectType {
        switch self {
        case .nvrOffline: .nvr
        case .cameraStreamDown, .renewalFailing, .renewalDead, .urlExpiring: .camera
        case .cloudCredentialsRejected: .account
        }
    }

    /// The headline of an alert's message: the kind when it opens; when it recovers `nvr_back`
    /// for an NVR, else `<kind>_recovered`.
    public func headline(recovered: Bool) -> String {
        guard recovered else { return rawValue }
        return self == .nvrOffline ? "nvr_back" : "\(rawValue)_recovered"
    }
}

/// The thing an alert is about: an NVR, a camera, or the cloud account (id 0).
public enum AlertSubjectType: String, Sendable, Codable {
    case nvr
    case camera
    case account
}

/// An alert's subject: its type comes from the kind; `id` is the NVR's or camera's id (0 for
/// the account); `name` is how people know it (hostname, camera name).
public struct AlertSubject: Sendable, Hashable {
    public let id: Int64
    public let name: String

    public init(id: Int64, name: String) {
        self.id = id
        self.name = name
    }

    /// The Hik-Connect account (``AlertKind/cloudCredentialsRejected``).
    public static let account = AlertSubject(id: 0, name: "Hik-Connect account")
}
