import Logging
public import LookoutCore
import PostgresNIO

extension PostgresPresenceStore {
    /// Every NVR stored as online, by hostname, with the connection that made it so.
    public func onlineNVRs() async throws(StoreError) -> [OnlineNVR] {
        let logger = self.logger
        return try await self.client.store("reading online NVRs") { client in
            let rows = try await client.query(
                """
                SELECT id, hostname, connection_version, session_id, gateway_id,
                    floor(extract(epoch FROM status_changed_at) * 1000)::bigint
                FROM nvrs WHERE status = 'online'
                ORDER BY hostname
                """,
                logger: logger
            )
            var nvrs: [OnlineNVR] = []
            for try await (id, hostname, version, session, gateway, changedAt) in rows.decode(
                (Int64, String, Int64, String?, String?, Int64).self
            ) {
                nvrs.append(
                    OnlineNVR(id: id, hostname: hostname, version: version, sessionID: session, gatewayID: gateway, statusChangedAt: changedAt)
                )
            }
            return nvrs
        }
    }

    /// Moves `last_seen_at` forward to the given Unix-ms times, in one statement; a time older
    /// than the stored one changes nothing, unknown hostnames are skipped, and a hostname listed
    /// twice counts with its latest time. Rows are locked in hostname order (see the type).
    public func recordLastSeen(_ seen: [(hostname: String, at: Int64)]) async throws(StoreError) {
        guard !seen.isEmpty else { return }
        let hostnames = seen.map(\.hostname)
        let times = seen.map(\.at)
        let logger = self.logger
        try await self.client.store("recording last-seen times of \(seen.count) NVRs") { client in
            try await client.query(
                """
                WITH seen AS (
                    SELECT host, to_timestamp(max(at_ms) / 1000.0) AS at
                    FROM unnest(\(hostnames)::text[], \(times)::bigint[]) AS u(host, at_ms)
                    GROUP BY host
                ), locked AS (
                    SELECT n.id, seen.at FROM nvrs AS n JOIN seen ON n.hostname = seen.host
                    WHERE n.last_seen_at IS NULL OR n.last_seen_at < seen.at
                    ORDER BY n.hostname
                    FOR UPDATE OF n
                )
                UPDATE nvrs SET last_seen_at = GREATEST(nvrs.last_seen_at, locked.at)
                FROM locked WHERE nvrs.id = locked.id
                """,
                logger: logger
            )
        }
    }

    /// Marks and returns the NVRs due an offline alert: offline for longer than `grace` (since
    /// before `now - grace`; `now` in Unix ms, default the database's clock) and not alerted for
    /// this offline period (`alerted_at` null or older than `status_changed_at`). `alerted_at`
    /// becomes `now`, and in the same statement an `nvr_offline` alert opens (with its outbox
    /// row, ``PostgresAlertRepository``) unless one is open already: `alertID` is then nil.
    ///
    /// Atomic: when sweepers call this at once, each NVR is returned to one of them only (the
    /// second waits for the first's row lock, then finds the NVR alerted). Sorted by hostname.
    public func takeDueAlerts(grace: Duration, now: Int64? = nil) async throws(StoreError) -> [(
        id: Int64, hostname: String, offlineSince: Int64, alertID: Int64?
    )] {
        let graceMs = grace.components.seconds * 1000 + grace.components.attoseconds / 1_000_000_000_000_000
        let logger = self.logger
        return try await self.client.store("taking due offline alerts") { client in
            let rows = try await client.query(
                """
                WITH clock AS (
                    SELECT COALESCE(to_timestamp(\(now)::bigint / 1000.0), now()) AS now
                ), due AS (
                    SELECT n.id FROM nvrs AS n, clock
                    WHERE n.status = 'offline'
                      AND n.status_changed_at <= clock.now - make_interval(secs => \(graceMs)::bigint / 1000.0)
                      AND (n.alerted_at IS NULL OR n.alerted_at < n.status_changed_at)
                    ORDER BY n.hostname
                    FOR UPDATE OF n
                ), marked AS (
                    UPDATE nvrs SET alerted_at = clock.now
                    FROM due, clock
                    WHERE nvrs.id = due.id
                    RETURNING nvrs.id, nvrs.hostname, nvrs.status_changed_at
                ), opened AS (
                    INSERT INTO alerts (kind, subject_type, subject_id, subject_name, started_at)
                    SELECT 'nvr_offline', 'nvr', id, hostname, status_changed_at FROM marked
                    ON CONFLICT (kind, subject_id) WHERE recovered_at IS NULL DO NOTHING
                    RETURNING id, subject_id
                ), outbox AS (
                    INSERT INTO alert_events (alert_id, event) SELECT id, 'opened' FROM opened
                )
                SELECT m.id, m.hostname, floor(extract(epoch FROM m.status_changed_at) * 1000)::bigint, o.id
                FROM marked AS m LEFT JOIN opened AS o ON o.subject_id = m.id
                """,
                logger: logger
            )
            var due: [(id: Int64, hostname: String, offlineSince: Int64, alertID: Int64?)] = []
            for try await (id, hostname, since, alertID) in rows.decode((Int64, String, Int64, Int64?).self) {
                due.append((id, hostname, since, alertID))
            }
            PostgresAlertRepository.count(
                due.compactMap { entry in entry.alertID.map { Self.offlineEvent(alertID: $0, nvr: (entry.id, entry.hostname, entry.offlineSince)) } })
            return due.sorted { $0.hostname < $1.hostname }
        }
    }

    /// The `nvr_offline` alert an entry of ``takeDueAlerts(grace:now:)`` opened.
    public static func offlineEvent(alertID: Int64, nvr: (id: Int64, hostname: String, offlineSince: Int64)) -> AlertEvent {
        AlertEvent(
            alertID: alertID, kind: .nvrOffline, change: .opened, subject: AlertSubject(id: nvr.id, name: nvr.hostname), startedAt: nvr.offlineSince,
            recoveredAt: nil, details: "")
    }
}
