extension Migration {
    /// Schema v5: drops two indexes no query uses, each one more index write per presence event.
    ///
    /// - `nvrs_status_idx`: three distinct values; the planner scans `nvrs` for a status filter
    ///   either way, and the sweeper and alerts have their own partial indexes on status.
    /// - `nvr_sessions_open_idx`: no statement looks sessions up by "open for NVR X"; the history
    ///   reads through `nvr_sessions_nvr_id_connected_at_idx`.
    ///
    /// Measured with pgbench on a 10,000-NVR table (docs/benchmarks.md, worker).
    ///
    /// Never edit this migration once released; add a new one instead.
    static let v005DropUnusedIndexes = Migration(
        version: 5,
        name: "drop_unused_indexes",
        statements: [
            "DROP INDEX nvrs_status_idx",
            "DROP INDEX nvr_sessions_open_idx",
        ]
    )
}
