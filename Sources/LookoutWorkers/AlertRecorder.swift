public import Logging
public import LookoutCore
public import LookoutNotify
public import LookoutStore

/// What producers call to open and recover alerts: the row and its outbox entry in PostgreSQL
/// (``PostgresAlertRepository``), then an `alert_event` in the notification feed. Never throws:
/// an alert that cannot be written is logged at warning and the producer's own work goes on
/// (the condition is seen again next time: renewals fail again, the expiry check repeats).
///
/// `camera_stream_down` has its API here (``cameraStreamDown(cameraID:details:)``,
/// ``cameraStreamUp(cameraID:)``); its detection comes with per-camera health.
public struct AlertRecorder: Sendable {
    public let alerts: PostgresAlertRepository
    let notifier: NotificationPublisher?
    let logger: Logger

    public init(alerts: PostgresAlertRepository, notifier: NotificationPublisher?, logger: Logger) {
        self.alerts = alerts
        self.notifier = notifier
        self.logger = logger
    }

    public func open(_ kind: AlertKind, subject: AlertSubject, details: String = "") async {
        await record("open", kind) { () async throws(StoreError) in try await alerts.open(kind, subject: subject, details: details).map { [$0] } ?? [] }
    }

    public func open(_ kind: AlertKind, cameraID: Int64, details: String = "") async {
        await record("open", kind) { () async throws(StoreError) in try await alerts.open(kind, cameraID: cameraID, details: details).map { [$0] } ?? [] }
    }

    public func recover(_ kinds: [AlertKind], subjectID: Int64) async {
        guard let first = kinds.first else { return }
        await record("recover", first) { () async throws(StoreError) in try await alerts.recover(kinds: kinds, subjectID: subjectID) }
    }

    /// A camera's stream is down (its HLS path not ready while it should play).
    public func cameraStreamDown(cameraID: Int64, details: String = "") async {
        await open(.cameraStreamDown, cameraID: cameraID, details: details)
    }

    /// A camera's stream plays again.
    public func cameraStreamUp(cameraID: Int64) async {
        await recover([.cameraStreamDown], subjectID: cameraID)
    }

    /// `url_expiring` follows the cameras' expiries (``PostgresAlertRepository/syncExpiringURLs(warning:now:)``).
    public func syncExpiringURLs(warning: Duration) async {
        await record("check", .urlExpiring) { () async throws(StoreError) in try await alerts.syncExpiringURLs(warning: warning) }
    }

    /// Publishes events a store call already committed (the sweeper's).
    public func published(_ events: [AlertEvent]) async {
        guard !events.isEmpty else { return }
        for event in events {
            logger.log(
                level: event.change == .opened ? .warning : .notice, "\(event.change == .opened ? "Alert opened" : "Alert recovered")",
                metadata: [
                    "lookout.alert.id": "\(event.alertID)", "lookout.alert.kind": "\(event.kind.rawValue)",
                    "lookout.alert.subject": "\(event.subject.name)",
                ])
        }
        guard let notifier else { return }
        do {
            try await notifier.publish(alerts: events)
        } catch {
            logger.warning("Alert events not published to the feed", metadata: ["lookout.error": "\(error)"])
        }
    }

    private func record(_ action: String, _ kind: AlertKind, _ change: () async throws(StoreError) -> [AlertEvent]) async {
        do {
            await published(try await change())
        } catch {
            logger.warning(
                "Alert not recorded", metadata: ["lookout.alert.kind": "\(kind.rawValue)", "lookout.alert.action": "\(action)", "lookout.error": "\(error)"])
        }
    }
}
