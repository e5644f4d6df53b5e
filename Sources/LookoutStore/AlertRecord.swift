public import LookoutCore

/// An alert as the API shows it (`GET /api/alerts`). Times are Unix milliseconds; a field
/// without a value is left out.
public struct AlertRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var kind: AlertKind
    public var subjectType: AlertSubjectType
    /// The NVR's or camera's id; left out for the account.
    public var subjectId: Int64?
    public var subjectName: String
    public var startedAt: Int64
    /// Left out while the alert is open.
    public var recoveredAt: Int64?
    /// Until recovery, or until now while open.
    public var durationMs: Int64
    public var open: Bool
    /// The name of the API key that acknowledged it (its id in `acknowledgedKeyId`).
    public var acknowledgedBy: String?
    public var acknowledgedKeyId: Int64?
    public var acknowledgedAt: Int64?
    public var details: String?
}

/// Which alerts a list shows.
public enum AlertState: String, Sendable, CaseIterable {
    case open
    case recovered
    case all
}

/// A webhook delivery that gave up (`state = 'dead'`): one alert event for one target.
public struct DeadAlertDelivery: Sendable, Hashable, Codable {
    public var id: Int64
    /// The target's scheme, host and port (never its path or query, which may hold a token).
    public var target: String
    public var alertId: Int64
    public var event: String
    public var attempts: Int
    public var error: String?
    public var createdAt: Int64
    public var diedAt: Int64?
}
