extension Migration {
    /// Schema v6: stream URLs are stored sealed, and MediaMTX's reserved path names are refused.
    ///
    /// - `cameras.stream_url` and `pending_stream_url` keep their type (`text`): from this version
    ///   on, Lookout writes them sealed with AES-256-GCM (`sealed:v1:<key id>:<base64>`,
    ///   `StreamURLCipher`). SQL cannot seal (the key never reaches the database), so rows written
    ///   before stay plaintext, still readable, until `lookout secrets rotate` seals them. The
    ///   column comments say so to whoever reads a dump or `\d+ cameras`.
    /// - `cameras_mediamtx_path_reserved`: `all` and `all_others` are not paths in MediaMTX but
    ///   "every path"; a camera there would hand its source to every path. A database holding
    ///   such a camera already fails this migration with the constraint's name: rename the path.
    ///
    /// Never edit this migration once released; add a new one instead.
    static let v006SealedStreamURLs = Migration(
        version: 6,
        name: "sealed_stream_urls",
        statements: [
            """
            COMMENT ON COLUMN cameras.stream_url IS \
            'Sealed (AES-256-GCM, sealed:v1:<key id>:<base64>); plaintext only in rows from before v6, until lookout secrets rotate'
            """,
            """
            COMMENT ON COLUMN cameras.pending_stream_url IS \
            'Sealed like stream_url: a renewed URL waiting for its swap'
            """,
            "ALTER TABLE cameras ADD CONSTRAINT cameras_mediamtx_path_reserved CHECK (mediamtx_path NOT IN ('all', 'all_others'))",
        ]
    )
}
