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
///
/// URLs are stored sealed (``StreamURLCipher``) and opened here, in memory only. A URL that does
/// not open (a key missing from the settings) fails the whole read, naming the camera: the sync
/// then keeps the file and MediaMTX as they are rather than removing every camera it could not
/// read. Plaintext URLs from before sealing are read as they are and counted
/// (``plaintextURLs``) until `lookout secrets rotate` seals them.
public struct PostgresStreamPaths: ManagedPathSource {
    public let client: PostgresClient
    /// How long before the current URL expires a waiting swap is forced, viewers or not.
    public let swapMargin: Duration
    let cipher: StreamURLCipher
    let logger: Logger

    public init(
        client: PostgresClient, cipher: StreamURLCipher, swapMargin: Duration = .seconds(600),
        logger: Logger = Logger(label: "lookout.store.stream-paths")
    ) {
        self.client = client
        self.cipher = cipher
        self.swapMargin = swapMargin
        self.logger = logger
    }

    func opened(_ stored: String, cameraID: Int64) throws(StoreError) -> String {
        do {
            return try cipher.open(stored, cameraID: cameraID)
        } catch {
            throw StoreError(.invalidArgument, field: "stream_url", error.message)
        }
    }

    /// Every served camera's path, by path name.
    public func desiredPaths() async throws -> [ManagedPath] {
        let logger = self.logger
        let margin = swapMargin.inMilliseconds
        let (paths, plaintext) = try await client.store("reading the MediaMTX paths") { client in
            let rows = try await client.query(
                """
                SELECT id, mediamtx_path, stream_url, pending_stream_url,
                       (extract(epoch FROM stream_expires_at) * 1000)::bigint
                FROM cameras
                WHERE enabled AND mediamtx_path IS NOT NULL AND stream_url IS NOT NULL
                ORDER BY mediamtx_path
                """,
                logger: logger
            )
            var paths: [ManagedPath] = []
            var plaintext = 0
            for try await (id, name, source, pending, expiresAt) in rows.decode((Int64, String, String, String?, Int64?).self) {
                let deadline = pending == nil ? nil : expiresAt.map { $0 - margin }
                plaintext += [source, pending].compactMap { $0 }.filter { !StreamURLCipher.isSealed($0) }.count
                paths.append(
                    ManagedPath(
                        name: name, source: try opened(source, cameraID: id), pendingSource: try pending.map { try opened($0, cameraID: id) },
                        pendingDeadline: deadline))
            }
            return (paths, plaintext)
        }
        if plaintext > 0 {
            logger.warning(
                "Stream URLs stored in plaintext; run `lookout secrets rotate` to seal them", metadata: ["lookout.store.plaintext_urls": "\(plaintext)"])
        }
        return paths
    }

    /// Moves the pending URL of path `name` to current, if it is still `source`.
    public func promoted(name: String, source: String) async throws {
        try await promote(name: name, source: source)
    }

    /// Moves `pending_stream_url` / `_expires_at` into `stream_url` / `_expires_at`, only while
    /// the pending URL is still `source` (a newer renewal since the swap is left for the next
    /// swap). Sealed values differ on every sealing, so the row is locked, its pending URL opened
    /// and compared, and moved in the same transaction. Returns whether a row changed.
    @discardableResult
    public func promote(name: String, source: String) async throws(StoreError) -> Bool {
        let logger = self.logger
        let promoted = try await client.storeTransaction("promoting the pending stream of \(name)", logger: logger) { connection in
            let rows = try await connection.query(
                "SELECT id, pending_stream_url FROM cameras WHERE mediamtx_path = \(name) AND pending_stream_url IS NOT NULL FOR UPDATE",
                logger: logger)
            var found: (id: Int64, pending: String)?
            for try await row in rows.decode((Int64, String).self) { found = row }
            guard let found, try opened(found.pending, cameraID: found.id) == source else { return false }
            try await connection.query(
                """
                UPDATE cameras
                SET stream_url = pending_stream_url, stream_expires_at = pending_stream_expires_at,
                    pending_stream_url = NULL, pending_stream_expires_at = NULL
                WHERE id = \(found.id)
                """,
                logger: logger
            )
            return true
        }
        if promoted {
            logger.info("Pending stream promoted", metadata: ["lookout.camera.path": "\(name)"])
        } else {
            logger.notice("Pending stream not promoted: it changed since the swap", metadata: ["lookout.camera.path": "\(name)"])
        }
        return promoted
    }
}
