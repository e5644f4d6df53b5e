import Foundation
import Metrics

/// Metrics of the MediaMTX sync (exported where the process serves `/metrics`).
enum MediaMTXMetrics {
    /// `mediamtx.yml` found changed by something else and restored.
    private static let fileRestored = Counter(label: "lookout_mediamtx_file_restored_total")
    /// 1 while this process holds the sync lease (the active sync), 0 on standby.
    private static let active = Gauge(label: "lookout_mediamtx_sync_active")
    private static let rounds = Timer(label: "lookout_mediamtx_sync_round_duration_seconds", preferredDisplayUnit: .seconds)
    private static let failedRounds = Counter(label: "lookout_mediamtx_sync_failed_rounds_total")
    /// Unix time of the last round that ended without a problem (file and API in line).
    private static let lastSuccess = Gauge(label: "lookout_mediamtx_sync_last_success_timestamp_seconds")

    static func countFileRestored() { fileRestored.increment() }
    static func setActive(_ isActive: Bool) { active.record(isActive ? 1 : 0) }

    static func finishedRound(took duration: Duration, problem: String?) {
        rounds.recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
        if problem == nil {
            lastSuccess.record(Date().timeIntervalSince1970)
        } else {
            failedRounds.increment()
        }
    }
}
