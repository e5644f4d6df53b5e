public import Logging
import LookoutCore
public import PostgresNIO

/// Camera rows for the HTTP API: list, read, create, change, delete. Never reads a stream URL;
/// ``snapshot(id:)`` is the one method that returns a URL (the snapshot's).
public struct PostgresCameraRepository: Sendable {
    public let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "lookout.store.cameras")) {
        self.client = client
        self.logger = logger
    }

    /// One page of cameras ordered by id, and how many match in all.
    public func list(_ query: CameraQuery) async throws(StoreError) -> (cameras: [CameraRecord], total: Int) {
        let logger = self.logger
        let status = query.status?.rawValue
        return try await client.store("listing cameras") { client in
            let countRows = try await client.query(
                "SELECT count(*) FROM cameras WHERE (\(status)::text IS NULL OR status = \(status)) AND (\(query.nvrId)::bigint IS NULL OR nvr_id = \(query.nvrId))",
                logger: logger)
            var total = 0
            for try await count in countRows.decode(Int64.self) { total = Int(count) }
            let rows = try await client.query(
                """
                SELECT \(unescaped: CameraRecordLoader.columns) FROM cameras
                WHERE (\(status)::text IS NULL OR status = \(status)) AND (\(query.nvrId)::bigint IS NULL OR nvr_id = \(query.nvrId))
                ORDER BY id LIMIT \(query.limit) OFFSET \(query.offset)
                """,
                logger: logger)
            var cameras: [CameraRecord] = []
            for try await row in rows { cameras.append(try CameraRecordLoader.record(row)) }
            return (cameras, total)
        }
    }

    /// The camera, or nil when no camera has this id.
    public func camera(id: Int64) async throws(StoreError) -> CameraRecord? {
        let logger = self.logger
        return try await client.store("reading camera \(id)") { client in
            let rows = try await client.query("SELECT \(unescaped: CameraRecordLoader.columns) FROM cameras WHERE id = \(id)", logger: logger)
            for try await row in rows { return try CameraRecordLoader.record(row) }
            return nil
        }
    }

    /// Creates a camera and returns it.
    ///
    /// - Throws: ``StoreError`` `.duplicate` (field `mediamtxPath` or `hikResourceId`),
    ///   `.notFound` (field `nvrId`) when no NVR has that id, `.invalidArgument` (the field a check refused).
    public func create(_ draft: CameraDraft) async throws(StoreError) -> CameraRecord {
        let logger = self.logger
        let channel = draft.hikChannelNo.map(Int32.init(clamping:))
        do {
            let rows = try await client.query(
                """
                INSERT INTO cameras (nvr_id, name, enabled, mediamtx_path, hik_resource_id, hik_device_serial, hik_channel_no)
                VALUES (\(draft.nvrId), \(draft.name), \(draft.enabled), \(draft.mediamtxPath), \(draft.hikResourceId),
                        \(draft.hikDeviceSerial), \(channel))
                RETURNING \(unescaped: CameraRecordLoader.columns)
                """,
                logger: logger)
            for try await row in rows {
                let camera = try CameraRecordLoader.record(row)
                logger.info("Created camera", metadata: ["lookout.camera.id": "\(camera.id)"])
                return camera
            }
            throw StoreError.database("creating a camera returned no row")
        } catch {
            throw StoreError.wrappingCameraWrite(error, while: "creating a camera")
        }
    }

    /// Applies `changes` and returns the camera as it is now, with the NVR it belonged to before.
    ///
    /// - Throws: ``StoreError`` `.notFound`, or as ``create(_:)``.
    public func update(id: Int64, _ changes: CameraChanges) async throws(StoreError) -> (camera: CameraRecord, previousNVRId: Int64?) {
        let logger = self.logger
        let channel = changes.hikChannelNo.map { $0.map(Int32.init(clamping:)) }
        do {
            let rows = try await client.query(
                """
                WITH old AS (SELECT id AS old_id, nvr_id AS previous_nvr_id FROM cameras WHERE id = \(id) FOR UPDATE)
                UPDATE cameras SET
                    nvr_id = CASE WHEN \(changes.nvrId != nil) THEN \(changes.nvrId ?? nil) ELSE cameras.nvr_id END,
                    name = coalesce(\(changes.name), cameras.name),
                    enabled = coalesce(\(changes.enabled), cameras.enabled),
                    mediamtx_path = CASE WHEN \(changes.mediamtxPath != nil) THEN \(changes.mediamtxPath ?? nil) ELSE cameras.mediamtx_path END,
                    hik_resource_id = CASE WHEN \(changes.hikResourceId != nil) THEN \(changes.hikResourceId ?? nil) ELSE cameras.hik_resource_id END,
                    hik_device_serial = CASE WHEN \(changes.hikDeviceSerial != nil) THEN \(changes.hikDeviceSerial ?? nil)
                        ELSE cameras.hik_device_serial END,
                    hik_channel_no = CASE WHEN \(channel != nil) THEN \(channel ?? nil) ELSE cameras.hik_channel_no END
                FROM old WHERE cameras.id = old.old_id
                RETURNING old.previous_nvr_id, \(unescaped: CameraRecordLoader.columns)
                """,
                logger: logger)
            for try await row in rows {
                let previous = try row.makeRandomAccess()["previous_nvr_id"].decode(Int64?.self)
                return (try CameraRecordLoader.record(row), previous)
            }
        } catch {
            throw StoreError.wrappingCameraWrite(error, while: "updating camera \(id)")
        }
        throw StoreError.notFound("no camera has id \(id)")
    }

    /// Deletes the camera (its renewal history goes with it); returns the NVR it belonged to.
    ///
    /// - Throws: ``StoreError`` `.notFound` when no camera has this id.
    public func delete(id: Int64) async throws(StoreError) -> Int64? {
        let logger = self.logger
        let deleted: Int64?? = try await client.store("deleting camera \(id)") { client in
            let rows = try await client.query("DELETE FROM cameras WHERE id = \(id) RETURNING nvr_id", logger: logger)
            for try await nvrID in rows.decode(Int64?.self) { return .some(nvrID) }
            return nil
        }
        guard let nvrID = deleted else { throw StoreError.notFound("no camera has id \(id)") }
        logger.info("Deleted camera", metadata: ["lookout.camera.id": "\(id)"])
        return nvrID
    }

    /// The camera's latest snapshot, or nil when it has none yet.
    ///
    /// - Throws: ``StoreError`` `.notFound` when no camera has this id.
    public func snapshot(id: Int64) async throws(StoreError) -> CameraSnapshot? {
        let logger = self.logger
        let found: CameraSnapshot?? = try await client.store("reading the snapshot of camera \(id)") { client in
            let rows = try await client.query(
                "SELECT snapshot_url, floor(extract(epoch FROM snapshot_at) * 1000)::bigint FROM cameras WHERE id = \(id)", logger: logger)
            for try await (url, takenAt) in rows.decode((String?, Int64?).self) {
                guard let url, let takenAt else { return .some(nil) }
                return .some(CameraSnapshot(url: url, takenAt: takenAt))
            }
            return nil
        }
        guard let snapshot = found else { throw StoreError.notFound("no camera has id \(id)") }
        return snapshot
    }
}
