import LookoutCore
import Testing

/// Alert settings and texts (issue 13, item 5): webhooks need a secret, errors never quote a
/// webhook URL, details never carry one, messages summarise.
@Suite struct AlertSettingsTests {
    @Test func webhooksNeedASecretAndErrorsNeverQuoteTheURL() throws {
        let secret = String(repeating: "s", count: 32)
        let settings = try AlertSettings(source: SettingsSource(environment: [
            "LOOKOUT_ALERT_WEBHOOKS": "https://hooks.example.com/T0/B0/XyZ, http://127.0.0.1:9/x", "LOOKOUT_ALERT_WEBHOOK_SECRET": secret,
        ]))
        #expect(settings.webhooks == ["https://hooks.example.com/T0/B0/XyZ", "http://127.0.0.1:9/x"])
        #expect(settings.webhookInterval == .seconds(60) && settings.expiryWarning == .seconds(3600))
        #expect(try AlertSettings(source: SettingsSource(environment: [:])).webhooks.isEmpty)
        let cases: [[String: String]] = [
            ["LOOKOUT_ALERT_WEBHOOKS": "https://hooks.example.com/T0/B0/XyZ"],
            ["LOOKOUT_ALERT_WEBHOOKS": "ftp://hooks.example.com/T0/B0/XyZ", "LOOKOUT_ALERT_WEBHOOK_SECRET": secret],
            ["LOOKOUT_ALERT_WEBHOOKS": "https://hooks.example.com/T0/B0/XyZ", "LOOKOUT_ALERT_WEBHOOK_SECRET": "short"],
        ]
        for environment in cases {
            let error = #expect(throws: ConfigurationError.self) { try AlertSettings(source: SettingsSource(environment: environment)) }
            #expect(error?.description.contains("XyZ") == false, "\(error?.description ?? "")")
        }
    }

    @Test func detailsAndMessages() {
        #expect(AlertDetails.clean("refused rtmp://host/live/x?token=abc\nnext") == "refused <url> next")
        #expect(AlertDetails.clean(String(repeating: "a", count: 400)).count == AlertDetails.maxLength)
        #expect(AlertDuration.text(milliseconds: 130_000) == "2m 10s" && AlertDuration.text(milliseconds: 3_900_000) == "1h 5m")
        let events = (1...13).map { id in
            AlertEvent(
                alertID: Int64(id), kind: .nvrOffline, change: .opened, subject: AlertSubject(id: Int64(id), name: "n\(id)"), startedAt: 1, recoveredAt: nil,
                details: "")
        }
        let message = AlertMessage(events: events, sentAt: 5)
        #expect(message.text.hasPrefix("NVR n1 offline\n12 more alerts: NVR n2 offline; "))
        #expect(message.text.hasSuffix("NVR n11 offline; and 2 others"))
        #expect(message.body.hasPrefix(#"{"alerts":[{"alertId":1,"at":1,"event":"opened","headline":"nvr_offline","kind":"nvr_offline","#))
        let back = AlertEvent(
            alertID: 1, kind: .nvrOffline, change: .recovered, subject: AlertSubject(id: 1, name: "n1"), startedAt: 1_000, recoveredAt: 61_000, details: "")
        #expect(back.headline == "nvr_back" && back.text == "NVR n1 back online after 1m")
        #expect(back.notificationBody.hasSuffix(#""text":"NVR n1 back online after 1m"},"type":"alert_event"}"#))
    }
}
