extension Migration {
    /// Schema v3: linking discovered cameras to NVRs.
    ///
    /// - `nvrs.hik_device_serial`: the Hik-Connect device serial of the NVR; discovery links a
    ///   camera to the NVR with its device serial. Unique when set.
    ///
    /// Never edit this migration once released; add a new one instead.
    static let v003Streams = Migration(
        version: 3,
        name: "streams",
        statements: [
            "ALTER TABLE nvrs ADD COLUMN hik_device_serial text",
            "CREATE UNIQUE INDEX nvrs_hik_device_serial_key ON nvrs (hik_device_serial) WHERE hik_device_serial IS NOT NULL",
            "CREATE INDEX cameras_snapshot_at_idx ON cameras (snapshot_at NULLS FIRST) WHERE enabled",
        ]
    )
}
