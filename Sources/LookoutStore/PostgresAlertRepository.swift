public import Logging
public import LookoutCore
import Metrics
public import PostgresNIO

/// Alerts in PostgreSQL (`alerts`, `alert_events`): open one, recover one, list, acknowledge.
///
/// Every open and every recovery writes its outbox row (`alert_events`) in the same statement,
/// returns the ``AlertEvent`` (nil when nothing changed: the alert was open already, or none was
/// open) and counts it (`lookout_alerts_opened_total{kind}`, `lookout_alerts_recovered_total{kind}`).
/// At most one alert per kind and subject is open (`alerts_open_idx`), so producers that race
/// (two renewal workers, two sweepers) open it once.
public struct PostgresAlertRepository: Sendable {
    public var client: PostgresClient { source() }
    private let source: @Sendable () -> PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "lookout.store.alerts")) {
        self.source = { client }
        self.logger = logger
    }

    /// Follows a supervisor's current client (the sweeper's pool).
    public init(supervisor: PostgresClientSupervisor, logger: Logger = Logger(label: "lookout.store.alerts")) {
        self.source = { supervisor.client }
        self.logger = logger
    }

    /// Opens `kind` for `subject` unless one is open; `details` is cleaned (``AlertDetails``).
    /// A subject without a name gets its NVR's hostname or camera's name (`camera <id>` when it has none).
    /// Opens `kind` for the camera `cameraID`, named as it is in `cameras`.
    @discardableResult
    public func open(_ kind: AlertKind, cameraID: Int64, details: String = "") async throws(StoreError) -> AlertEvent? {
        try await open(kind, subject: AlertSubject(id: cameraID, name: ""), details: details)
    }

    /// SQL for the subject's name: the given one (`s.name`) unless empty, then the row's own name.
    static func nameLookup(_ kind: AlertKind) -> String {
        switch kind.subjectType {
        case .camera: "COALESCE(NULLIF(s.name, ''), (SELECT NULLIF(name, '') FROM cameras WHERE id = s.id), 'camera ' || s.id)"
        case .nvr: "COALESCE(NULLIF(s.name, ''), (SELECT hostname FROM nvrs WHERE id = s.id), 'NVR ' || s.id)"
        case .account: "s.name"
        }
    }

    @discardableResult
    public func open(_ kind: AlertKind, subject: AlertSubject, details: String = "") async throws(StoreError) -> AlertEvent? {
        let logger = self.logger
        let details = AlertDetails.clean(details)
        let events = try await client.store("opening alert \(kind.rawValue)") { client in
            let rows = try await client.query(
                """
                WITH s AS (SELECT \(subject.id)::bigint AS id, \(subject.name)::text AS name),
                opened AS (
                    INSERT INTO alerts (kind, subject_type, subject_id, subject_name, details)
                    SELECT \(kind.rawValue), \(kind.subjectType.rawValue), s.id, \(unescaped: Self.nameLookup(kind)), \(details) FROM s
                    ON CONFLICT (kind, subject_id) WHERE recovered_at IS NULL DO NOTHING
                    RETURNING \(unescaped: Self.eventColumns)
                ), outbox AS (
                    INSERT INTO alert_events (alert_id, event) SELECT id, 'opened' FROM opened
                )
                SELECT * FROM opened
                """,
                logger: logger)
            return try await Self.events(rows, change: .opened)
        }
        Self.count(events)
        return events.first
    }

    /// Recovers the open `kind` of `subjectID`, if there is one.
    @discardableResult
    public func recover(_ kind: AlertKind, subjectID: Int64) async throws(StoreError) -> AlertEvent? {
        try await recover(kinds: [kind], subjectID: subjectID).first
    }

    /// Recovers the open alerts of these kinds for one subject (a renewal that succeeded ends
    /// `renewal_failing` and `renewal_dead`).
    public func recover(kinds: [AlertKind], subjectID: Int64) async throws(StoreError) -> [AlertEvent] {
        let logger = self.logger
        let names = kinds.map(\.rawValue)
        let events = try await client.store("recovering alerts") { client in
            let rows = try await client.query(
                """
                WITH recovered AS (
                    UPDATE alerts SET recovered_at = GREATEST(now(), started_at)
                    WHERE kind = ANY(\(names)::text[]) AND subject_id = \(subjectID) AND recovered_at IS NULL
                    RETURNING \(unescaped: Self.eventColumns)
                ), outbox AS (
                    INSERT INTO alert_events (alert_id, event) SELECT id, 'recovered' FROM recovered
                )
                SELECT * FROM recovered
                """,
                logger: logger)
            return try await Self.events(rows, change: .recovered)
        }
        Self.count(events)
        return events
    }

    /// The sweeper's half of `nvr_back`: recovers every open `nvr_offline` whose NVR is online
    /// again (at the time it came back) or was deleted. One indexed statement on the open
    /// alerts, so presence apply stays as it was.
    public func recoverNVRsBackOnline() async throws(StoreError) -> [AlertEvent] {
        let logger = self.logger
        let events = try await client.store("recovering NVR offline alerts") { client in
            let rows = try await client.query(
                """
                WITH back AS (
                    SELECT a.id, GREATEST(a.started_at, COALESCE(n.status_changed_at, now())) AS at
                    FROM alerts AS a LEFT JOIN nvrs AS n ON n.id = a.subject_id
                    WHERE a.kind = 'nvr_offline' AND a.recovered_at IS NULL AND (n.id IS NULL OR n.status = 'online')
                    FOR UPDATE OF a
                ), recovered AS (
                    UPDATE alerts SET recovered_at = back.at FROM back WHERE alerts.id = back.id AND alerts.recovered_at IS NULL
                    RETURNING \(unescaped: Self.eventColumns(table: "alerts"))
                ), outbox AS (
                    INSERT INTO alert_events (alert_id, event) SELECT id, 'recovered' FROM recovered
                )
                SELECT * FROM recovered
                """,
                logger: logger)
            return try await Self.events(rows, change: .recovered)
        }
        Self.count(events)
        return events
    }

    /// `url_expiring` follows the cameras: opened for every enabled camera whose stream URL
    /// (the pending one when a renewed URL waits for its swap) expires before `now + warning`,
    /// recovered for the others (renewed, disabled, deleted). Every camera alert of a deleted
    /// camera is recovered too. Idempotent; any worker may run it.
    public func syncExpiringURLs(warning: Duration, now: Int64? = nil) async throws(StoreError) -> [AlertEvent] {
        let logger = self.logger
        let warningMs = warning.inMilliseconds
        let events = try await client.store("checking expiring stream URLs") { client in
            let expiring = """
                SELECT c.id, c.name, COALESCE(c.pending_stream_expires_at, c.stream_expires_at) AS expires_at
                FROM cameras AS c, clock
                WHERE c.enabled AND c.stream_expires_at IS NOT NULL
                  AND COALESCE(c.pending_stream_expires_at, c.stream_expires_at) < clock.now + make_interval(secs => \(warningMs)::bigint / 1000.0)
                """
            let opened = try await client.query(
                """
                WITH clock AS (SELECT COALESCE(to_timestamp(\(now)::bigint / 1000.0), now()) AS now),
                expiring AS (\(unescaped: expiring)),
                opened AS (
                    INSERT INTO alerts (kind, subject_type, subject_id, subject_name, details)
                    SELECT 'url_expiring', 'camera', e.id, e.name,
                        CASE WHEN e.expires_at <= clock.now THEN 'expired ' ELSE 'expires in ' END
                            || (floor(abs(extract(epoch FROM e.expires_at - clock.now)) / 60))::bigint || ' min'
                            || CASE WHEN e.expires_at <= clock.now THEN ' ago' ELSE '' END
                    FROM expiring AS e, clock
                    ON CONFLICT (kind, subject_id) WHERE recovered_at IS NULL DO NOTHING
                    RETURNING \(unescaped: Self.eventColumns)
                ), outbox AS (
                    INSERT INTO alert_events (alert_id, event) SELECT id, 'opened' FROM opened
                )
                SELECT * FROM opened
                """,
                logger: logger)
            var events = try await Self.events(opened, change: .opened)
            let recovered = try await client.query(
                """
                WITH clock AS (SELECT COALESCE(to_timestamp(\(now)::bigint / 1000.0), now()) AS now),
                expiring AS (\(unescaped: expiring)),
                recovered AS (
                    UPDATE alerts SET recovered_at = GREATEST(clock.now, started_at) FROM clock
                    WHERE recovered_at IS NULL AND (
                        (kind = 'url_expiring' AND subject_id NOT IN (SELECT id FROM expiring))
                        OR (subject_type = 'camera' AND NOT EXISTS (SELECT 1 FROM cameras WHERE cameras.id = alerts.subject_id)))
                    RETURNING \(unescaped: Self.eventColumns(table: "alerts"))
                ), outbox AS (
                    INSERT INTO alert_events (alert_id, event) SELECT id, 'recovered' FROM recovered
                )
                SELECT * FROM recovered
                """,
                logger: logger)
            events += try await Self.events(recovered, change: .recovered)
            return events
        }
        Self.count(events)
        return events
    }

    // MARK: Reading

    static let eventColumns = eventColumns(table: nil)

    static func eventColumns(table: String?) -> String {
        let t = table.map { "\($0)." } ?? ""
        return """
            \(t)id, \(t)kind, \(t)subject_id, \(t)subject_name,
            floor(extract(epoch FROM \(t)started_at) * 1000)::bigint AS started_ms,
            floor(extract(epoch FROM \(t)recovered_at) * 1000)::bigint AS recovered_ms, \(t)details
            """
    }

    static func events(_ rows: PostgresRowSequence, change: AlertEvent.Change) async throws -> [AlertEvent] {
        var events: [AlertEvent] = []
        for try await (id, kind, subjectID, name, started, recovered, details) in rows.decode((Int64, String, Int64, String, Int64, Int64?, String).self) {
            guard let kind = AlertKind(rawValue: kind) else { continue }
            events.append(
                AlertEvent(
                    alertID: id, kind: kind, change: change, subject: AlertSubject(id: subjectID, name: name), startedAt: started, recoveredAt: recovered,
                    details: details))
        }
        return events.sorted { $0.alertID < $1.alertID }
    }

    static func count(_ events: [AlertEvent]) {
        for event in events {
            let name = event.change == .opened ? "lookout_alerts_opened_total" : "lookout_alerts_recovered_total"
            Counter(label: name, dimensions: [("kind", event.kind.rawValue)]).increment()
        }
    }
}
