import Logging
import LookoutCore
import PostgresNIO

extension PostgresAlertOutbox {
    /// The dead set: deliveries that ran out of attempts, newest first.
    public func dead(limit: Int = 500) async throws(StoreError) -> [DeadAlertDelivery] {
        let logger = self.logger
        return try await client.store("listing dead alert deliveries") { client in
            let rows = try await client.query(
                """
                SELECT d.id, t.label, e.alert_id, e.event, d.attempts, d.last_error,
                    floor(extract(epoch FROM d.created_at) * 1000)::bigint, floor(extract(epoch FROM d.finished_at) * 1000)::bigint
                FROM alert_deliveries AS d JOIN alert_targets AS t ON t.target = d.target JOIN alert_events AS e ON e.id = d.event_id
                WHERE d.state = 'dead' ORDER BY d.id DESC LIMIT \(limit)
                """,
                logger: logger)
            var dead: [DeadAlertDelivery] = []
            for try await (id, label, alertID, event, attempts, error, created, died) in rows.decode(
                (Int64, String, Int64, String, Int32, String?, Int64, Int64?).self)
            {
                dead.append(
                    DeadAlertDelivery(id: id, target: label, alertId: alertID, event: event, attempts: Int(attempts), error: error, createdAt: created, diedAt: died))
            }
            return dead
        }
    }

    /// Puts dead deliveries back to pending with their attempts reset (all when `ids` is nil);
    /// returns how many.
    @discardableResult
    public func replayDead(ids: [Int64]?) async throws(StoreError) -> Int {
        let logger = self.logger
        return try await client.store("replaying dead alert deliveries") { client in
            let rows = try await client.query(
                """
                UPDATE alert_deliveries SET state = 'pending', attempts = 0, finished_at = NULL
                WHERE state = 'dead' AND (\(ids)::bigint[] IS NULL OR id = ANY(\(ids)::bigint[]))
                RETURNING 1
                """,
                logger: logger)
            var count = 0
            for try await _ in rows { count += 1 }
            return count
        }
    }
}
