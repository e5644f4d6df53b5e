/// An alert opened or recovered: what the notification feed and the webhooks carry.
public struct AlertEvent: Sendable, Equatable {
    public enum Change: String, Sendable, Codable {
        case opened
        case recovered
    }

    public let alertID: Int64
    public let kind: AlertKind
    public let change: Change
    public let subject: AlertSubject
    /// Unix ms.
    public let startedAt: Int64
    /// Unix ms; set for `recovered`.
    public let recoveredAt: Int64?
    /// Short text, never a stream URL or a token (``AlertDetails/clean(_:)``); may be empty.
    public let details: String

    public init(alertID: Int64, kind: AlertKind, change: Change, subject: AlertSubject, startedAt: Int64, recoveredAt: Int64?, details: String) {
        self.alertID = alertID
        self.kind = kind
        self.change = change
        self.subject = subject
        self.startedAt = startedAt
        self.recoveredAt = recoveredAt
        self.details = details
    }

    /// When it happened.
    public var at: Int64 { recoveredAt ?? startedAt }

    /// `nvr_offline`, `nvr_back`, `renewal_failing_recovered`, … (``AlertKind/headline(recovered:)``).
    public var headline: String { kind.headline(recovered: change == .recovered) }

    /// One line for people: "NVR site-nvr-03 offline", "NVR site-nvr-03 back online after 2m 10s".
    public var text: String {
        let name = subject.name
        let after = recoveredAt.map { " after " + AlertDuration.text(milliseconds: $0 - startedAt) } ?? ""
        let line: String
        switch (kind, change) {
        case (.nvrOffline, .opened): line = "NVR \(name) offline"
        case (.nvrOffline, .recovered): line = "NVR \(name) back online\(after)"
        case (.cameraStreamDown, .opened): line = "Camera \(name): stream down"
        case (.cameraStreamDown, .recovered): line = "Camera \(name): stream back\(after)"
        case (.renewalFailing, .opened): line = "Camera \(name): stream renewal failing, retrying"
        case (.renewalFailing, .recovered): line = "Camera \(name): stream renewed\(after)"
        case (.renewalDead, .opened): line = "Camera \(name): stream renewal gave up (dead set)"
        case (.renewalDead, .recovered): line = "Camera \(name): stream renewed again\(after)"
        case (.urlExpiring, .opened): line = "Camera \(name): stream URL expiring"
        case (.urlExpiring, .recovered): line = "Camera \(name): stream URL no longer expiring\(after)"
        case (.cloudCredentialsRejected, .opened): line = "Hik-Connect refused the credentials: every renewal is paused"
        case (.cloudCredentialsRejected, .recovered): line = "Hik-Connect accepts the credentials again: renewals resumed\(after)"
        }
        return details.isEmpty || change == .recovered ? line : "\(line) (\(details))"
    }

    /// The notification feed's object (without `seq`): `{"alert":{…},"type":"alert_event"}`.
    public var notificationBody: String {
        JSONText.object { json in
            json.field("alert") { $0.write(self) }
            json.field("type", "alert_event")
        }
    }

    /// This event as one JSON object (keys sorted), as the feed and the webhooks carry it.
    public var jsonText: String {
        var json = JSONText()
        json.write(self)
        return json.text
    }
}

extension JSONText {
    mutating func write(_ event: AlertEvent) {
        object { json in
            json.field("alertId", event.alertID)
            json.field("at", event.at)
            json.field("details", event.details.isEmpty ? nil : event.details)
            json.field("durationMs", event.recoveredAt.map { $0 - event.startedAt })
            json.field("event", event.change.rawValue)
            json.field("headline", event.headline)
            json.field("kind", event.kind.rawValue)
            json.field("recoveredAt", event.recoveredAt)
            json.field("startedAt", event.startedAt)
            json.field("subject") { subject in
                subject.object { json in
                    json.field("id", event.subject.id)
                    json.field("name", event.subject.name)
                    json.field("type", event.kind.subjectType.rawValue)
                }
            }
            json.field("text", event.text)
        }
    }
}

/// Durations for people: `45s`, `2m 10s`, `1h 5m`, `3d 2h`.
public enum AlertDuration {
    public static func text(milliseconds: Int64) -> String {
        let seconds = max(0, milliseconds / 1000)
        let (d, h, m, s) = (seconds / 86_400, seconds / 3600 % 24, seconds / 60 % 60, seconds % 60)
        if d > 0 { return h > 0 ? "\(d)d \(h)h" : "\(d)d" }
        if h > 0 { return m > 0 ? "\(h)h \(m)m" : "\(h)h" }
        if m > 0 { return s > 0 ? "\(m)m \(s)s" : "\(m)m" }
        return "\(s)s"
    }
}

/// An alert's details text: short, single-line, never a URL (stream URLs carry credentials).
public enum AlertDetails {
    public static let maxLength = 300

    /// `text` with every `scheme://…` word replaced by `<url>`, control characters as spaces,
    /// at most ``maxLength`` characters.
    public static func clean(_ text: String) -> String {
        let flat = String(text.map { $0.isNewline || ($0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false) ? " " : $0 })
        let line = flat.split(separator: " ", omittingEmptySubsequences: false).map { $0.contains("://") ? "<url>" : String($0) }.joined(separator: " ")
        return line.count > maxLength ? String(line.prefix(maxLength - 1)) + "…" : line
    }
}
