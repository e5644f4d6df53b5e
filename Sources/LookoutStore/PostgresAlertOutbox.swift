public import Logging
public import LookoutCore
public import PostgresNIO

/// The webhook side of alerts, in PostgreSQL: the outbox (`alert_events`) fanned out into one
/// delivery per target (`alert_deliveries`), and per target (`alert_targets`) when it may be
/// sent to next, which is both the throttle (after a message) and the backoff (after a failure),
/// with a short lease so that two `alerts` workers never send to one target at once.
///
/// PostgreSQL rather than a Redis stream: an alert and its outbox row are written in one
/// statement, so neither exists without the other, and Redis may lose its data (its design
/// allows it) while an alert must still be sent.
public struct PostgresAlertOutbox: Sendable {
    /// A webhook target: `key` identifies it in PostgreSQL (a SHA-256 of its URL, never the URL,
    /// which may carry a token), `label` is what logs and the dead set show (scheme, host, port).
    public struct Target: Sendable, Hashable {
        public let url: String
        public let key: String
        public let label: String

        public init(url: String) {
            self.url = url
            key = "sha256:" + SecretHash.sha256Hex(url)
            let rest = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
            label = rest.count >= 3 ? "\(rest[0])//\(rest[2].split(separator: "@").last ?? "")" : "webhook"
        }
    }

    /// A pending delivery: one alert event for one target.
    public struct Delivery: Sendable {
        public let id: Int64
        public let attempts: Int
        public let event: AlertEvent
    }

    public let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "lookout.store.alert-outbox")) {
        self.client = client
        self.logger = logger
    }

    /// Copies events not fanned out yet into a delivery per target and marks them, at most
    /// `limit` at a time; returns how many events it took. With no targets they are only marked.
    @discardableResult
    public func fanOut(to targets: [Target], limit: Int = 500) async throws(StoreError) -> Int {
        let logger = self.logger
        let keys = targets.map(\.key)
        let labels = targets.map(\.label)
        return try await client.storeTransaction("fanning out alert events", logger: logger) { connection in
            if !targets.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO alert_targets (target, label) SELECT * FROM unnest(\(keys)::text[], \(labels)::text[])
                    ON CONFLICT (target) DO UPDATE SET label = EXCLUDED.label
                    """,
                    logger: logger)
            }
            let rows = try await connection.query(
                """
                WITH taken AS (
                    SELECT id FROM alert_events WHERE fanned_out_at IS NULL ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED
                ), copied AS (
                    INSERT INTO alert_deliveries (target, event_id)
                    SELECT t.target, taken.id FROM taken, unnest(\(keys)::text[]) AS t(target)
                    ON CONFLICT (target, event_id) DO NOTHING
                ), marked AS (
                    UPDATE alert_events SET fanned_out_at = now() FROM taken WHERE alert_events.id = taken.id RETURNING 1
                )
                SELECT count(*) FROM marked
                """,
                logger: logger)
            var count = 0
            for try await value in rows.decode(Int64.self) { count = Int(value) }
            return count
        }
    }

    /// Takes the target for `lease` when it is due (throttle and backoff passed), not leased by
    /// another worker, and has pending deliveries; returns its consecutive failures then, nil
    /// when it was not taken.
    public func claim(_ target: Target, lease: Duration) async throws(StoreError) -> Int? {
        let logger = self.logger
        return try await client.store("claiming alert target") { client in
            let rows = try await client.query(
                """
                UPDATE alert_targets SET leased_until = now() + make_interval(secs => \(lease.inMilliseconds)::bigint / 1000.0)
                WHERE target = \(target.key) AND next_attempt_at <= now() AND (leased_until IS NULL OR leased_until < now())
                  AND EXISTS (SELECT 1 FROM alert_deliveries WHERE target = \(target.key) AND state = 'pending')
                RETURNING failures
                """,
                logger: logger)
            for try await failures in rows.decode(Int32.self) { return Int(failures) }
            return nil
        }
    }

    /// The target's pending deliveries, oldest first.
    public func pending(_ target: Target, limit: Int) async throws(StoreError) -> [Delivery] {
        let logger = self.logger
        return try await client.store("reading pending alert deliveries") { client in
            let rows = try await client.query(
                """
                SELECT d.id, d.attempts, e.event, a.id, a.kind, a.subject_id, a.subject_name,
                    floor(extract(epoch FROM a.started_at) * 1000)::bigint,
                    floor(extract(epoch FROM a.recovered_at) * 1000)::bigint, a.details
                FROM alert_deliveries AS d JOIN alert_events AS e ON e.id = d.event_id JOIN alerts AS a ON a.id = e.alert_id
                WHERE d.target = \(target.key) AND d.state = 'pending'
                ORDER BY d.id LIMIT \(limit)
                """,
                logger: logger)
            var deliveries: [Delivery] = []
            for try await (id, attempts, event, alertID, kind, subjectID, name, started, recovered, details) in rows.decode(
                (Int64, Int32, String, Int64, String, Int64, String, Int64, Int64?, String).self)
            {
                guard let kind = AlertKind(rawValue: kind), let change = AlertEvent.Change(rawValue: event) else { continue }
                deliveries.append(
                    Delivery(
                        id: id, attempts: Int(attempts),
                        event: AlertEvent(
                            alertID: alertID, kind: kind, change: change, subject: AlertSubject(id: subjectID, name: name), startedAt: started,
                            recoveredAt: change == .recovered ? recovered : nil, details: details)))
            }
            return deliveries
        }
    }

    /// The message carrying `deliveries` was accepted: they are sent; the target may be sent to
    /// again after `throttle`.
    public func sent(_ target: Target, deliveries: [Int64], throttle: Duration) async throws(StoreError) {
        let logger = self.logger
        try await client.storeTransaction("recording a sent alert message", logger: logger) { connection in
            try await connection.query(
                """
                UPDATE alert_deliveries SET state = 'sent', attempts = attempts + 1, finished_at = now(), last_error = NULL
                WHERE id = ANY(\(deliveries)::bigint[]) AND state = 'pending'
                """,
                logger: logger)
            try await connection.query(
                """
                UPDATE alert_targets SET failures = 0, leased_until = NULL, last_sent_at = now(),
                    next_attempt_at = now() + make_interval(secs => \(throttle.inMilliseconds)::bigint / 1000.0)
                WHERE target = \(target.key)
                """,
                logger: logger)
        }
    }

    /// The message failed: each delivery counts an attempt, and goes to the dead set when it
    /// reached `maxAttempts`; the target is tried again after `retryAfter`. Returns how many died.
    @discardableResult
    public func failed(_ target: Target, deliveries: [Int64], error: String, retryAfter: Duration, maxAttempts: Int) async throws(StoreError) -> Int {
        let logger = self.logger
        let error = AlertDetails.clean(error)
        return try await client.storeTransaction("recording a failed alert message", logger: logger) { connection in
            let rows = try await connection.query(
                """
                UPDATE alert_deliveries SET attempts = attempts + 1, last_error = \(error),
                    state = CASE WHEN attempts + 1 >= \(maxAttempts) THEN 'dead' ELSE 'pending' END,
                    finished_at = CASE WHEN attempts + 1 >= \(maxAttempts) THEN now() END
                WHERE id = ANY(\(deliveries)::bigint[]) AND state = 'pending'
                RETURNING state
                """,
                logger: logger)
            var died = 0
            for try await state in rows.decode(String.self) where state == "dead" { died += 1 }
            try await connection.query(
                """
                UPDATE alert_targets SET failures = failures + 1, leased_until = NULL,
                    next_attempt_at = now() + make_interval(secs => \(retryAfter.inMilliseconds)::bigint / 1000.0)
                WHERE target = \(target.key)
                """,
                logger: logger)
            return died
        }
    }

    /// Deletes what is done and older than `age`: sent and dead deliveries, and events fanned
    /// out with no delivery left. Alerts themselves are kept.
    public func prune(olderThan age: Duration) async throws(StoreError) {
        let logger = self.logger
        try await client.store("pruning the alert outbox") { client in
            let cutoff = "now() - make_interval(secs => \(age.inMilliseconds / 1000))"
            try await client.query(
                "DELETE FROM alert_deliveries WHERE state <> 'pending' AND finished_at < \(unescaped: cutoff)", logger: logger)
            try await client.query(
                """
                DELETE FROM alert_events AS e WHERE e.fanned_out_at < \(unescaped: cutoff)
                  AND NOT EXISTS (SELECT 1 FROM alert_deliveries AS d WHERE d.event_id = e.id)
                """,
                logger: logger)
        }
    }
}
