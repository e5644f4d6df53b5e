import Metrics

/// Counters of the MediaMTX sync (exported where the process serves metrics).
enum MediaMTXMetrics {
    /// `mediamtx.yml` found changed by something else and restored.
    private static let fileRestored = Counter(label: "lookout_mediamtx_file_restored_total")

    static func countFileRestored() { fileRestored.increment() }
}
