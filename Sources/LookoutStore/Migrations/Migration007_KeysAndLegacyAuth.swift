extension Migration {
    /// Schema v7 (issue 11): keys you can manage, and hostname-only auth as a per-NVR flag.
    ///
    /// - `api_keys.expires_at`: a key stops working at this time (NULL: never); revocation stays
    ///   `revoked_at`. `last_used_at` exists since v1 and is now written in batches by gateways.
    /// - `nvrs.hostname_only_auth`: this NVR's agent may authenticate with its hostname alone (the
    ///   old system's agents). Replaces the global `LOOKOUT_ALLOW_HOSTNAME_ONLY_AUTH` switch; off
    ///   for every existing NVR.
    ///
    /// (v6 is the stream-URL encryption migration.) Never edit this migration once released; add
    /// a new one instead.
    static let v007KeysAndLegacyAuth = Migration(
        version: 7,
        name: "api_key_expiry_and_hostname_only_auth",
        statements: [
            "ALTER TABLE api_keys ADD COLUMN expires_at timestamptz",
            "ALTER TABLE nvrs ADD COLUMN hostname_only_auth boolean NOT NULL DEFAULT false",
        ]
    )
}
