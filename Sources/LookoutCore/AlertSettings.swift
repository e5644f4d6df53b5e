import Foundation

/// Settings of alerts: where they are sent and when a stream URL counts as expiring
/// (`docs/architecture.md`, "Alerts").
public struct AlertSettings: Sendable {
    /// Webhook targets; empty: alerts stay in PostgreSQL, the API and the dashboards.
    public var webhooks: [String]
    /// Signs every webhook body (``WebhookSignature``); required when there are webhooks.
    public var webhookSecret: String?
    /// At most one message per target this often; alerts in between are summarised in the next.
    public var webhookInterval: Duration
    /// A stream URL expiring within this opens `url_expiring`.
    public var expiryWarning: Duration

    public init(source: SettingsSource) throws(ConfigurationError) {
        let name = Setting.alertWebhooks.environmentName
        webhooks = []
        for item in (source.value(.alertWebhooks) ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            // Never echo the URL: a webhook URL (Slack, Teams) is a secret.
            guard item.hasPrefix("http://") || item.hasPrefix("https://"), item.count > 8, !item.contains(where: \.isWhitespace) else {
                throw ConfigurationError(setting: name, problem: "entry \(webhooks.count + 1) must be an http:// or https:// URL")
            }
            guard !webhooks.contains(item) else { throw ConfigurationError(setting: name, problem: "entry \(webhooks.count + 1) is listed twice") }
            webhooks.append(item)
        }
        webhookSecret = source.value(.alertWebhookSecret).flatMap { $0.isEmpty ? nil : $0 }
        if let secret = webhookSecret, secret.utf8.count < 32 {
            throw ConfigurationError(setting: Setting.alertWebhookSecret.environmentName, problem: "must be at least 32 characters")
        }
        if !webhooks.isEmpty, webhookSecret == nil {
            throw ConfigurationError(
                setting: Setting.alertWebhookSecret.environmentName, problem: "is required when LOOKOUT_ALERT_WEBHOOKS lists targets (bodies are signed)")
        }
        webhookInterval = .seconds(try source.integer(.alertWebhookInterval, in: 0...86_400))
        expiryWarning = .seconds(try source.integer(.alertExpiryWarning, in: 1...30 * 86_400))
    }
}

extension Setting {
    public static let alertWebhooks = Setting(
        "LOOKOUT_ALERT_WEBHOOKS", yaml: "alerts.webhooks", default: "", secret: .always,
        "Comma-separated http(s) URLs the `alerts` worker POSTs alert messages to (signed JSON); empty: alerts stay in the API and dashboards. A secret (webhook URLs often carry a token)")
    public static let alertWebhookSecret = Setting(
        "LOOKOUT_ALERT_WEBHOOK_SECRET", yaml: "alerts.webhookSecret", default: nil, secret: .always,
        "HMAC-SHA256 key (≥ 32 characters) signing every webhook body (`X-Lookout-Signature`, docs/architecture.md \"Alerts\"); required with webhooks")
    public static let alertWebhookInterval = Setting(
        "LOOKOUT_ALERT_WEBHOOK_INTERVAL", yaml: "alerts.webhookInterval", default: "60",
        "Seconds between two messages to one webhook target at most; alerts in between are summarised in the next message (0: no throttling)")
    public static let alertExpiryWarning = Setting(
        "LOOKOUT_ALERT_EXPIRY_WARNING", yaml: "alerts.expiryWarning", default: "3600",
        "Seconds before a stream URL expires at which the renewal worker opens a `url_expiring` alert for its camera")

    static let alerts: [Setting] = [.alertWebhooks, .alertWebhookSecret, .alertWebhookInterval, .alertExpiryWarning]
}
