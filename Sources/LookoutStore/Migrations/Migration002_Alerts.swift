extension Migration {
    /// Schema v2: offline alerts and the sweeper's queries.
    ///
    /// - `nvrs.alerted_at`: when the last offline alert for the NVR was raised. An NVR is due an
    ///   alert when it has been offline longer than the flap grace and `alerted_at` is null or
    ///   older than `status_changed_at` (no alert yet for this offline period).
    /// - `nvrs_offline_status_changed_at_idx`: the sweeper's "offline since before the cutoff"
    ///   (`PostgresPresenceStore.takeDueAlerts`). Partial: online NVRs never match.
    ///
    /// Never edit this migration once released; add a new one instead.
    static let v002Alerts = Migration(
        version: 2,
        name: "alerts",
        statements: [
            "ALTER TABLE nvrs ADD COLUMN alerted_at timestamptz",
            "CREATE INDEX nvrs_offline_status_changed_at_idx ON nvrs (status_changed_at) WHERE status = 'offline'",
        ]
    )
}
