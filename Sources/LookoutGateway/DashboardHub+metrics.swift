import Prometheus

extension DashboardHub {
    /// `lookout_dashboard_resyncs_total{reason}`: each time the hub sent its dashboards a fresh
    /// snapshot (`new_epoch`: Redis lost the feed; `sequence_backwards`; `gap`: the history no
    /// longer held what was missed), or closed them with 1013 because it could not (`failed`).
    static func resyncCounter(_ registry: PrometheusCollectorRegistry) -> @Sendable (String) -> Void {
        let descriptor = HTTPMetrics.name("dashboard_resyncs", "total", "Times the dashboards were resynchronised with a fresh snapshot, by reason")
        let counters = Dictionary(
            uniqueKeysWithValues: ["new_epoch", "sequence_backwards", "gap", "failed"].map { reason in
                (reason, registry.makeCounter(descriptor: descriptor, labels: [("reason", reason)]))
            })
        return { reason in counters[reason]?.increment() }
    }
}
