/// One webhook message: the alert events a target had pending, the first in full and the rest
/// summarised in `text` ("NVR a offline" then "3 more alerts: …"), all of them in `alerts`.
///
/// `{"alerts":[…],"count":N,"sentAt":ms,"text":"…","type":"lookout.alerts"}`; `text` suits chat
/// webhooks that show a `text` field (Slack, Mattermost).
public struct AlertMessage: Sendable {
    public let events: [AlertEvent]
    public let sentAt: Int64

    /// The most summarised items `text` names one by one.
    public static let namedInSummary = 10

    public init(events: [AlertEvent], sentAt: Int64) {
        self.events = events
        self.sentAt = sentAt
    }

    public var text: String {
        guard let first = events.first else { return "" }
        let rest = events.dropFirst()
        guard !rest.isEmpty else { return first.text }
        var summary = rest.prefix(Self.namedInSummary).map(\.text).joined(separator: "; ")
        if rest.count > Self.namedInSummary { summary += "; and \(rest.count - Self.namedInSummary) others" }
        return "\(first.text)\n\(rest.count) more alert\(rest.count == 1 ? "" : "s"): \(summary)"
    }

    public var body: String {
        JSONText.object { json in
            json.field("alerts") { $0.array(events) { $0.write($1) } }
            json.field("count", Int64(events.count))
            json.field("sentAt", sentAt)
            json.field("text", text)
            json.field("type", "lookout.alerts")
        }
    }
}
