public import LookoutCore
public import LookoutRedis

extension NotificationPublisher {
    /// Publishes each opened or recovered alert as an `alert_event` notification
    /// (``AlertEvent/notificationBody``), after the commit that made it.
    @discardableResult
    public func publish(alerts: [AlertEvent]) async throws(RedisError) -> Int64 {
        try await publish(bodies: alerts.map(\.notificationBody))
    }
}
