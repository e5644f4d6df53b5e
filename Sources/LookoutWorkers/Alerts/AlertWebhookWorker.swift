public import AsyncHTTPClient
import Foundation
public import Logging
public import LookoutCore
public import LookoutStore
import Metrics
import NIOCore
import NIOHTTP1
public import ServiceLifecycle

/// The `alerts` worker: sends alert events to webhooks from the durable outbox in PostgreSQL
/// (``PostgresAlertOutbox``). Each round it fans new events out into one delivery per target,
/// then sends each target that is due one message with everything it has pending
/// (``AlertMessage``): at most one message per target per `LOOKOUT_ALERT_WEBHOOK_INTERVAL`, so
/// alerts in between are summarised in the next. Bodies are signed (``WebhookSignature``). A
/// failed message is retried with backoff (``AlertWebhookOptions``); a delivery that fails
/// `maxAttempts` times goes to the dead set (`lookout dead list`, `GET /api/dead`). At least
/// once: a worker that dies mid-send leaves its lease to expire and the message is sent again;
/// receivers dedupe on `X-Lookout-Delivery`. Several workers may run: a target is leased to one.
public struct AlertWebhookWorker: Service {
    let options: AlertWebhookOptions
    let targets: [PostgresAlertOutbox.Target]
    let signature: WebhookSignature?
    let interval: Duration
    let outbox: PostgresAlertOutbox
    let httpClient: HTTPClient
    let logger: Logger

    public init(
        options: AlertWebhookOptions, settings: AlertSettings, outbox: PostgresAlertOutbox, httpClient: HTTPClient = .shared, logger: Logger
    ) {
        self.options = options
        self.targets = settings.webhooks.map(PostgresAlertOutbox.Target.init(url:))
        self.signature = settings.webhookSecret.map(WebhookSignature.init(secret:))
        self.interval = settings.webhookInterval
        self.outbox = outbox
        self.httpClient = httpClient
        self.logger = logger
    }

    public func run() async throws {
        logger.info("Alert webhook worker started", metadata: ["lookout.alert.targets": "\(targets.map(\.label))"])
        var lastPrune = ContinuousClock.now - .seconds(3600)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await round()
                if ContinuousClock.now - lastPrune > .seconds(3600) {
                    try await outbox.prune(olderThan: options.keep)
                    lastPrune = .now
                }
            } catch {
                logger.warning("Alert outbox unavailable; will retry", metadata: ["lookout.error": "\(error)"])
            }
            try? await Task.sleep(for: options.poll)
        }
        logger.info("Alert webhook worker stopped")
    }

    /// Fans out what is new, then sends every due target its message, targets in parallel.
    func round() async throws(StoreError) {
        while try await outbox.fanOut(to: targets) >= 500 {}
        await withTaskGroup(of: Void.self) { group in
            for target in targets {
                group.addTask { await deliver(to: target) }
            }
        }
    }

    func deliver(to target: PostgresAlertOutbox.Target) async {
        var logger = self.logger
        logger[metadataKey: "lookout.alert.target"] = "\(target.label)"
        do {
            guard let failures = try await outbox.claim(target, lease: options.lease) else { return }
            let deliveries = try await outbox.pending(target, limit: options.batchLimit)
            guard !deliveries.isEmpty else { return }
            let ids = deliveries.map(\.id)
            let message = AlertMessage(events: deliveries.map(\.event), sentAt: unixMillis())
            // Stable over retries of the same first delivery, for receivers that dedupe.
            let deliveryID = "\(ids[0])-\(ids.count)"
            if let problem = await send(message, deliveryID: deliveryID, to: target) {
                let retry = options.backoff(afterFailures: failures + 1)
                let died = try await outbox.failed(target, deliveries: ids, error: problem, retryAfter: retry, maxAttempts: options.maxAttempts)
                Counter(label: "lookout_alert_webhook_messages_total", dimensions: [("result", "failed")]).increment()
                logger.warning(
                    "Alert webhook failed; will retry",
                    metadata: ["lookout.error": "\(problem)", "lookout.alert.retry_in": "\(retry)", "lookout.alert.count": "\(ids.count)"])
                if died > 0 {
                    Counter(label: "lookout_alert_deliveries_dead_total").increment(by: died)
                    logger.error("Alert deliveries moved to the dead set after their last attempt", metadata: ["lookout.alert.dead": "\(died)"])
                }
            } else {
                try await outbox.sent(target, deliveries: ids, throttle: interval)
                Counter(label: "lookout_alert_webhook_messages_total", dimensions: [("result", "sent")]).increment()
                logger.info("Alert webhook sent", metadata: ["lookout.alert.count": "\(ids.count)"])
            }
        } catch {
            logger.warning("Alert delivery not recorded; the lease expires and it is retried", metadata: ["lookout.error": "\(error)"])
        }
    }

    /// POSTs the message; nil when the target answered 2xx, else what went wrong (without the URL).
    func send(_ message: AlertMessage, deliveryID: String, to target: PostgresAlertOutbox.Target) async -> String? {
        let body = Array(message.body.utf8)
        var request = HTTPClientRequest(url: target.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "lookout-alerts")
        request.headers.add(name: "X-Lookout-Delivery", value: deliveryID)
        if let signature {
            let timestamp = message.sentAt / 1000
            request.headers.add(name: WebhookSignature.timestampHeader, value: String(timestamp))
            request.headers.add(name: WebhookSignature.signatureHeader, value: signature.signature(body: body, timestamp: timestamp))
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await httpClient.execute(request, timeout: .milliseconds(options.timeout.inMilliseconds))
            _ = try? await response.body.collect(upTo: 64 << 10)
            return (200..<300).contains(response.status.code) ? nil : "HTTP \(response.status.code)"
        } catch {
            // AsyncHTTPClient's errors name the failure, not the URL; kept short anyway.
            return "no answer: \(String(describing: error).prefix(200))"
        }
    }
}
