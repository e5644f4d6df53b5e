import Logging
public import LookoutCore
import PostgresNIO

extension PostgresAlertRepository {
    static let recordColumns = """
        a.id, a.kind, a.subject_type, a.subject_id, a.subject_name,
        floor(extract(epoch FROM a.started_at) * 1000)::bigint,
        floor(extract(epoch FROM a.recovered_at) * 1000)::bigint,
        floor(extract(epoch FROM now()) * 1000)::bigint,
        a.acknowledged_key_id, a.acknowledged_by,
        floor(extract(epoch FROM a.acknowledged_at) * 1000)::bigint, a.details
        """

    /// One page of alerts, newest first (open ones first within `all`), and how many match.
    public func list(state: AlertState = .all, kind: AlertKind? = nil, offset: Int = 0, limit: Int = 50) async throws(StoreError) -> (
        alerts: [AlertRecord], total: Int
    ) {
        let logger = self.logger
        let open: Bool? = switch state {
        case .open: true
        case .recovered: false
        case .all: nil
        }
        let kindName = kind?.rawValue
        return try await client.store("listing alerts") { client in
            let filter = "(\(open.map { $0 ? "a.recovered_at IS NULL" : "a.recovered_at IS NOT NULL" } ?? "true"))"
            let countRows = try await client.query(
                "SELECT count(*) FROM alerts AS a WHERE \(unescaped: filter) AND (\(kindName)::text IS NULL OR a.kind = \(kindName))", logger: logger)
            var total = 0
            for try await count in countRows.decode(Int64.self) { total = Int(count) }
            let rows = try await client.query(
                """
                SELECT \(unescaped: Self.recordColumns) FROM alerts AS a
                WHERE \(unescaped: filter) AND (\(kindName)::text IS NULL OR a.kind = \(kindName))
                ORDER BY (a.recovered_at IS NULL) DESC, a.started_at DESC, a.id DESC
                LIMIT \(limit) OFFSET \(offset)
                """,
                logger: logger)
            return (try await Self.records(rows), total)
        }
    }

    /// The alert, or nil when no alert has this id.
    public func alert(id: Int64) async throws(StoreError) -> AlertRecord? {
        let logger = self.logger
        return try await client.store("reading alert \(id)") { client in
            try await Self.records(try await client.query("SELECT \(unescaped: Self.recordColumns) FROM alerts AS a WHERE a.id = \(id)", logger: logger)).first
        }
    }

    /// Records who acknowledged the alert (the API key's id and name) and when; an alert
    /// acknowledged already keeps its first acknowledgement (idempotent). Nil when no alert has
    /// this id.
    public func acknowledge(id: Int64, keyID: Int64?, by fallbackName: String) async throws(StoreError) -> AlertRecord? {
        let logger = self.logger
        try await client.store("acknowledging alert \(id)") { client in
            try await client.query(
                """
                UPDATE alerts SET acknowledged_at = GREATEST(now(), started_at), acknowledged_key_id = \(keyID),
                    acknowledged_by = COALESCE((SELECT name FROM api_keys WHERE id = \(keyID)), \(fallbackName))
                WHERE id = \(id) AND acknowledged_at IS NULL
                """,
                logger: logger)
        }
        return try await alert(id: id)
    }

    static func records(_ rows: PostgresRowSequence) async throws -> [AlertRecord] {
        var records: [AlertRecord] = []
        for try await (id, kind, subjectType, subjectID, name, started, recovered, now, keyID, by, ackAt, details) in rows.decode(
            (Int64, String, String, Int64, String, Int64, Int64?, Int64, Int64?, String?, Int64?, String).self)
        {
            guard let kind = AlertKind(rawValue: kind) else { continue }
            let type = AlertSubjectType(rawValue: subjectType) ?? kind.subjectType
            records.append(
                AlertRecord(
                    id: id, kind: kind, subjectType: type, subjectId: type == .account ? nil : subjectID, subjectName: name, startedAt: started,
                    recoveredAt: recovered, durationMs: max(0, (recovered ?? now) - started), open: recovered == nil, acknowledgedBy: by, acknowledgedKeyId: keyID,
                    acknowledgedAt: ackAt, details: details.isEmpty ? nil : details))
        }
        return records
    }
}
