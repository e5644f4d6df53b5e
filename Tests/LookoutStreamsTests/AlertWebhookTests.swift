import Foundation
import Logging
import LookoutCore
import LookoutStore
import LookoutTestSupport
import LookoutWorkers
import PostgresNIO
import Testing

/// Alerts leave the browser (issue 13, item 5): the `alerts` worker POSTs signed messages from
/// the PostgreSQL outbox to a real HTTP receiver; retries with backoff, a dead set, throttling
/// with a summary.
@Suite(.timeLimit(.minutes(1))) struct AlertWebhookTests {
    static let secret = "test-webhook-secret-0123456789abcdef"

    /// A migrated scratch database, a receiver and a running worker; stopped however it ends.
    static func with(
        receiver: WebhookReceiver, interval: Duration = .zero, tune: (inout AlertWebhookOptions) -> Void = { _ in }, name: String = #function,
        _ body: (PostgresAlertRepository, PostgresAlertOutbox) async throws -> Void
    ) async throws {
        let logs = LogCapture()
        let database = try await ScratchDatabase.create(name)
        let postgres = PostgresClient(configuration: try PostgresClient.Configuration(url: database.url), backgroundLogger: logs.logger("test.pg"))
        let postgresTask = Task { await postgres.run() }
        try await receiver.start()
        var options = AlertWebhookOptions()
        options.poll = .milliseconds(50)
        options.timeout = .seconds(2)
        options.retryInitial = .milliseconds(100)
        options.retryMaximum = .milliseconds(400)
        tune(&options)
        var settings = try AlertSettings(source: SettingsSource(environment: [
            "LOOKOUT_ALERT_WEBHOOKS": receiver.url, "LOOKOUT_ALERT_WEBHOOK_SECRET": secret,
        ]))
        settings.webhookInterval = interval
        let outbox = PostgresAlertOutbox(client: postgres, logger: logs.logger("test.outbox"))
        let worker = AlertWebhookWorker(options: options, settings: settings, outbox: outbox, logger: logs.logger("test.alerts"))
        var workerTask: Task<Void, any Error>?
        try await withTeardown({
            workerTask?.cancel()
            _ = try? await workerTask?.value
            await receiver.stop()
            postgresTask.cancel()
            try? await database.drop()
        }) {
            _ = try await PostgresMigrator().migrate(client: postgres, logger: logs.logger("test.migrate"))
            workerTask = Task { try await worker.run() }
            try await body(PostgresAlertRepository(client: postgres), outbox)
        }
    }

    @Test func anAlertAndItsRecoveryArriveSignedAtTheReceiver() async throws {
        let receiver = WebhookReceiver(secret: Self.secret)
        try await Self.with(receiver: receiver) { alerts, _ in
            let opened = try #require(try await alerts.open(.cloudCredentialsRejected, subject: .account, details: "OPEN000002 at https://x/y?token=z"))
            #expect(try await eventually { receiver.received.count == 1 })
            try await alerts.recover(.cloudCredentialsRejected, subjectID: 0)
            #expect(try await eventually { receiver.received.count == 2 })
            let (first, second) = (receiver.received[0], receiver.received[1])
            #expect(first.signatureValid && second.signatureValid)
            #expect(first.alerts.count == 1 && first.alerts[0]["event"] as? String == "opened")
            #expect(first.alerts[0]["alertId"] as? Int64 == opened.alertID)
            #expect(first.text == "Hik-Connect refused the credentials: every renewal is paused (OPEN000002 at <url>)")
            #expect(!first.body.contains("token=z"), "details never carry a URL")
            #expect(second.alerts[0]["event"] as? String == "recovered")
            #expect(second.alerts[0]["headline"] as? String == "cloud_credentials_rejected_recovered")
            #expect(!receiver.url.isEmpty && !(first.deliveryID ?? "").isEmpty)
            // A body changed in transit, or an old timestamp, fails the receiver's check.
            let signer = WebhookSignature(secret: Self.secret)
            let now = Int64(Date().timeIntervalSince1970)
            let signature = signer.signature(body: Array(first.body.utf8), timestamp: now)
            #expect(signer.verify(body: Array(first.body.utf8), timestamp: String(now), signature: signature, now: now))
            #expect(!signer.verify(body: Array((first.body + " ").utf8), timestamp: String(now), signature: signature, now: now))
            #expect(!signer.verify(body: Array(first.body.utf8), timestamp: String(now), signature: signature, now: now + 301))
        }
    }

    @Test func aFailingReceiverGetsRetriesWithBackoffThenTheMessage() async throws {
        let receiver = WebhookReceiver(secret: Self.secret, failFirst: 3)
        try await Self.with(receiver: receiver) { alerts, outbox in
            try await alerts.open(.renewalDead, subject: AlertSubject(id: 5, name: "cam-5"), details: "not found")
            #expect(try await eventually { receiver.received.count == 4 })
            // Backoff doubles: 100 ms, 200 ms, 400 ms (±20 %) between the attempts.
            let gaps = zip(receiver.received.dropFirst(), receiver.received).map { $0.at - $1.at }
            #expect(gaps[2] > gaps[0], "\(gaps)")
            #expect(gaps.allSatisfy { $0 >= .milliseconds(75) }, "\(gaps)")
            #expect(Set(receiver.received.compactMap(\.deliveryID)).count == 1, "one message, retried")
            #expect(try await outbox.dead().isEmpty)
            try await Task.sleep(for: .milliseconds(300))
            #expect(receiver.received.count == 4, "sent once it succeeded")
        }
    }

    @Test func aDeliveryThatKeepsFailingGoesToTheDeadSet() async throws {
        let receiver = WebhookReceiver(secret: Self.secret, alwaysFail: true)
        try await Self.with(receiver: receiver, tune: { $0.maxAttempts = 3 }) { alerts, outbox in
            let opened = try #require(try await alerts.open(.urlExpiring, subject: AlertSubject(id: 9, name: "cam-9")))
            #expect(try await eventually { try await outbox.dead().count == 1 })
            let dead = try await outbox.dead()
            #expect(dead[0].alertId == opened.alertID && dead[0].attempts == 3 && dead[0].error == "HTTP 503")
            #expect(dead[0].target.hasPrefix("http://127.0.0.1:") && !dead[0].target.contains("secret-path"), "the target's URL is never stored")
            #expect(receiver.attempts == 3)
            try await Task.sleep(for: .milliseconds(600))
            #expect(receiver.attempts == 3, "nothing pending: no more attempts")
            // Replayed from the dead set, it is sent again.
            #expect(try await outbox.replayDead(ids: nil) == 1)
            #expect(try await eventually { receiver.attempts > 3 })
        }
    }

    @Test func oneMessagePerIntervalAndTheRestSummarised() async throws {
        let receiver = WebhookReceiver(secret: Self.secret)
        try await Self.with(receiver: receiver, interval: .seconds(2)) { alerts, _ in
            try await alerts.open(.nvrOffline, subject: AlertSubject(id: 1, name: "nvr-1"))
            #expect(try await eventually { receiver.received.count == 1 })
            for id in Int64(2)...5 { try await alerts.open(.nvrOffline, subject: AlertSubject(id: id, name: "nvr-\(id)")) }
            #expect(try await eventually(timeout: .seconds(5)) { receiver.received.count == 2 })
            let (first, second) = (receiver.received[0], receiver.received[1])
            #expect(second.at - first.at >= .milliseconds(1900), "throttled: \(second.at - first.at)")
            #expect(first.alerts.count == 1 && first.text == "NVR nvr-1 offline")
            #expect(second.alerts.count == 4)
            #expect(second.text == "NVR nvr-2 offline\n3 more alerts: NVR nvr-3 offline; NVR nvr-4 offline; NVR nvr-5 offline")
            #expect(second.signatureValid)
            try await Task.sleep(for: .milliseconds(300))
            #expect(receiver.received.count == 2)
        }
    }
}
