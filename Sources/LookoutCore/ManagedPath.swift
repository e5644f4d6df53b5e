/// One MediaMTX path that Lookout manages: a camera's stream, as the MediaMTX sync should serve it.
///
/// `source` is the URL MediaMTX plays now. A renewal stores the next URL in `pendingSource`;
/// the sync swaps it in when the path has no readers, or at `pendingDeadline` (the current URL's
/// expiry minus a margin) at the latest, then reports the swap with
/// ``ManagedPathSource/promoted(name:source:)``.
///
/// The URLs carry credentials: `description` shows the name only, so a path can be logged.
public struct ManagedPath: Sendable, Hashable, CustomStringConvertible {
    /// The MediaMTX path name (`cameras.mediamtx_path`), e.g. `nvr-01-cam-1`.
    public var name: String
    /// The source URL in use (`cameras.stream_url`). Secret.
    public var source: String
    /// A renewed URL waiting for its swap (`cameras.pending_stream_url`). Secret.
    public var pendingSource: String?
    /// Unix milliseconds after which the pending URL is swapped in even if viewers are watching.
    /// Nil without a pending URL; a pending URL without a deadline is swapped when idle only.
    public var pendingDeadline: Int64?

    public init(name: String, source: String, pendingSource: String? = nil, pendingDeadline: Int64? = nil) {
        self.name = name
        self.source = source
        self.pendingSource = pendingSource
        self.pendingDeadline = pendingDeadline
    }

    public var description: String {
        pendingSource == nil ? "ManagedPath(\(name))" : "ManagedPath(\(name), pending swap)"
    }
}

/// Where the MediaMTX sync reads the paths it must serve, and where it reports swaps.
/// `LookoutStore.PostgresStreamPaths` reads the `cameras` table; tests use a memory one.
public protocol ManagedPathSource: Sendable {
    /// Every path that should exist now. A thrown error makes the sync skip the round and
    /// change nothing (an empty list, by contrast, removes every managed path).
    func desiredPaths() async throws -> [ManagedPath]

    /// The pending URL `source` of path `name` is live in MediaMTX (confirmed through the API):
    /// make it the current one. Must do nothing when the pending URL has changed since (a newer
    /// renewal), so a late call cannot promote the wrong URL. Called again if it throws.
    func promoted(name: String, source: String) async throws
}
