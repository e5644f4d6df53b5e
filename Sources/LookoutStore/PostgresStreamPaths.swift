public import Logging
public import LookoutCore
public import PostgresNIO

/// The MediaMTX paths PostgreSQL wants served: the desired state of the MediaMTX sync
/// (`LookoutMediaMTX.MediaMTXSync`), read from `cameras`.
///
/// A camera is served when it is `enabled` and has both a `mediamtx_path` and a `stream_url`;
/// its `pending_stream_url` becomes the path's pending source, to be swapped in by
/// `stream_expires_at - swapMargin` at the latest. A disabled or deleted camera, or one whose
/// path or URL was cleared, drops out of the list, so the sync removes its path.
public struct PostgresStreamPaths: ManagedPathSource {
    public let client: PostgresClient
    /// How long before the current URL expires a waiting swap is forced, viewers or not.
    public let swapMargin: Duration
    let logger: Logger

    public init(client: PostgresClient, swapMargin: Duration = .seconds(600), logger: Logger = Logger(label: "lookout.store.stream-paths")) {
        self.client = client
        self.swapMargin = swapMargin
        self.logger = logger
    }

    /// Every served camera's path, by path name.
    public func desiredPaths() async throws -> [ManagedPath] {
        let logger = self.logger
        let margin = swapMargin.inMilliseconds
        return try await client.store("reading the MediaMTX paths") { client in
            let rows = try await client.query(
                """
                SELECT mediamtx_path, stream_url, pending_stream_url,
                       (extract(epoch FROM stream_expires_at) * 1000)::bigint
                FROM cameras
                WHERE enabled AND mediamtx_path IS NOT NULL AND stream_url IS NOT NULL
                ORDER BY mediamtx_path
                """,
                logger: logger
            )
            var paths: [ManagedPath] = []
            for try await (name, source, pending, expiresAt) in rows.decode((String, String, String?, Int64?).self) {
                let deadline = pending == nil ? nil : expiresAt.map { $0 - margin }
                paths.append(ManagedPath(name: name, source: source, pendingSource: pending, pendingDeadline: deadline))
            }
            return paths
        }
    }

    /// Moves the pending URL of path `name` to current, if it is still `source`.
    public func promoted(name: String, source: String) async throws {
        try await promote(name: name, source: source)
    }

    /// Moves `pending_stream_url` / `_expires_at` into `stream_url` / `_expires_at` in one
    /// UPDATE, only while the pending URL is still `source` (a newer renewal since the swap is
    /// left for the next swap). Returns whether a row changed.
    @discardableResult
    public func promote(name: String, source: String) async throws(StoreError) -> Bool {
        let logger = self.logger
        let promoted = try await client.store("promoting the pending stream of \(name)") { client in
            let rows = try await client.query(
                """
                UPDATE cameras
                SET stream_url = pending_stream_url, stream_expires_at = pending_stream_expires_at,
                    pending_stream_url = NULL, pending_stream_expires_at = NULL
                WHERE mediamtx_path = \(name) AND pending_stream_url = \(source)
                RETURNING id
                """,
                logger: logger
            )
            var changed = false
            for try await _ in rows.decode(Int64.self) { changed = true }
            return changed
        }
        if promoted {
            logger.info("Pending stream promoted", metadata: ["lookout.camera.path": "\(name)"])
        } else {
            logger.notice("Pending stream not promoted: it changed since the swap", metadata: ["lookout.camera.path": "\(name)"])
        }
        return promoted
    }
}
