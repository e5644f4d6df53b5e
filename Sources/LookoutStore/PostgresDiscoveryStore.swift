import Logging
import LookoutCore
public import PostgresNIO

/// Discovery's writes: cameras upserted by their Hik-Connect resource id (stable ids, so a
/// re-run changes nothing), linked to the NVR with their device serial, enabled, and due for a
/// first renewal now. Also the snapshot worker's reads and writes.
public struct PostgresDiscoveryStore: Sendable {
    public let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "lookout.store.discovery")) {
        self.client = client
        self.logger = logger
    }

    /// One statement per camera, outside a transaction: a clash (its path taken by another
    /// camera) skips that camera with the reason and keeps the others.
    public func upsert(_ cameras: [DiscoveredCamera]) async throws(StoreError) -> DiscoveryCounts {
        var counts = DiscoveryCounts()
        counts.found = cameras.count
        counts.devices = Array(Set(cameras.map(\.deviceSerial))).sorted()
        for camera in cameras {
            guard !camera.resourceID.isEmpty, camera.channelNo > 0 else {
                counts.skipped[camera.resourceID] = "missing resource id or channel number"
                continue
            }
            let path = MediaMTXPathName.sanitise(camera.deviceSerial) + "-ch" + String(camera.channelNo)
            do {
                let outcome = try await upsertOne(camera, path: path)
                switch outcome.kind {
                case "created":
                    counts.created += 1
                    counts.createdIDs.append(outcome.id)
                case "updated": counts.updated += 1
                default: counts.unchanged += 1
                }
                if !outcome.linked { counts.unlinked += 1 }
            } catch where error.code == .duplicate {
                counts.skipped[camera.resourceID] = "MediaMTX path \(path) is taken by another camera"
            }
        }
        return counts
    }

    private func upsertOne(_ camera: DiscoveredCamera, path: String) async throws(StoreError) -> (kind: String, id: Int64, linked: Bool) {
        let logger = logger
        return try await client.store("upserting a discovered camera") { client in
            let rows = try await client.query(
                """
                WITH nvr AS (SELECT id FROM nvrs WHERE hik_device_serial = \(camera.deviceSerial)),
                existing AS (
                    SELECT id, name, hik_device_serial, hik_channel_no, nvr_id FROM cameras WHERE hik_resource_id = \(camera.resourceID)
                ),
                updated AS (
                    UPDATE cameras c SET name = \(camera.name), hik_device_serial = \(camera.deviceSerial), hik_channel_no = \(camera.channelNo),
                        nvr_id = COALESCE((SELECT id FROM nvr), c.nvr_id)
                    FROM existing e
                    WHERE c.id = e.id AND (e.name, e.hik_device_serial, e.hik_channel_no, e.nvr_id)
                        IS DISTINCT FROM (\(camera.name), \(camera.deviceSerial), \(camera.channelNo), COALESCE((SELECT id FROM nvr), e.nvr_id))
                    RETURNING c.id, c.nvr_id
                ),
                inserted AS (
                    INSERT INTO cameras (name, hik_resource_id, hik_device_serial, hik_channel_no, enabled, mediamtx_path, nvr_id,
                                         renewal_state, renewal_due_at)
                    SELECT \(camera.name), \(camera.resourceID), \(camera.deviceSerial), \(camera.channelNo), true, \(path),
                           (SELECT id FROM nvr), 'scheduled', now()
                    WHERE NOT EXISTS (SELECT 1 FROM existing)
                    RETURNING id, nvr_id
                )
                SELECT 'created', id, nvr_id IS NOT NULL FROM inserted
                UNION ALL SELECT 'updated', id, nvr_id IS NOT NULL FROM updated
                UNION ALL SELECT 'unchanged', id, nvr_id IS NOT NULL FROM existing WHERE NOT EXISTS (SELECT 1 FROM updated)
                """, logger: logger)
            for try await row in rows.decode((String, Int64, Bool).self) { return (row.0, row.1, row.2) }
            throw StoreError.database("discovery upsert returned nothing")
        }
    }

    /// Links the NVR `hostname` to the Hik-Connect device `serial`, in one transaction: the
    /// cameras of that device become the NVR's, and cameras of the device it was linked to
    /// before are detached. An unknown hostname is a `notFound` error and changes nothing (it
    /// used to detach the device's cameras); a serial another NVR has is a `duplicate`.
    public func linkDeviceSerial(hostname: String, serial: String) async throws(StoreError) -> (linked: Int, detached: Int) {
        let logger = logger
        let hostname = Hostname.normalized(hostname)
        return try await client.storeTransaction("linking a device serial", logger: logger) { connection in
            var nvrID: Int64?
            for try await id in try await connection.query("SELECT id FROM nvrs WHERE hostname = \(hostname) FOR UPDATE", logger: logger)
                .decode(Int64.self)
            {
                nvrID = id
            }
            guard let nvrID else { throw StoreError.notFound("no NVR has hostname '\(hostname)'") }
            let owner = try await connection.query(
                "SELECT hostname FROM nvrs WHERE hik_device_serial = \(serial) AND id <> \(nvrID)", logger: logger
            ).collect().first?.decode(String.self)
            if let owner { throw StoreError.duplicate("deviceSerial", "device \(serial) is already linked to NVR '\(owner)'") }
            try await connection.query("UPDATE nvrs SET hik_device_serial = \(serial) WHERE id = \(nvrID)", logger: logger)
            var detached = 0
            for try await count in try await connection.query(
                """
                WITH moved AS (
                    UPDATE cameras SET nvr_id = NULL WHERE nvr_id = \(nvrID) AND hik_device_serial IS DISTINCT FROM \(serial)
                      AND hik_device_serial IS NOT NULL RETURNING 1
                ) SELECT count(*) FROM moved
                """, logger: logger
            ).decode(Int64.self) {
                detached = Int(count)
            }
            var linked = 0
            for try await count in try await connection.query(
                "WITH moved AS (UPDATE cameras SET nvr_id = \(nvrID) WHERE hik_device_serial = \(serial) RETURNING 1) SELECT count(*) FROM moved",
                logger: logger
            ).decode(Int64.self) {
                linked = Int(count)
            }
            return (linked, detached)
        }
    }

    /// Enabled cameras whose NVR is not offline and whose snapshot is older than `age` (or missing).
    public func snapshotsDue(olderThan age: Duration, limit: Int) async throws(StoreError) -> [(cameraID: Int64, deviceSerial: String, channelNo: Int)] {
        let logger = logger
        let seconds = Double(age.components.seconds)
        return try await client.store("loading due snapshots") { client in
            var result: [(Int64, String, Int)] = []
            let rows = try await client.query(
                """
                SELECT c.id, c.hik_device_serial, c.hik_channel_no FROM cameras c LEFT JOIN nvrs n ON n.id = c.nvr_id
                WHERE c.enabled AND c.hik_device_serial IS NOT NULL AND c.hik_channel_no IS NOT NULL
                  AND c.status <> 'offline' AND (n.id IS NULL OR n.status <> 'offline')
                  AND (c.snapshot_at IS NULL OR c.snapshot_at < now() - make_interval(secs => \(seconds)))
                ORDER BY c.snapshot_at NULLS FIRST LIMIT \(limit)
                """, logger: logger)
            for try await row in rows.decode((Int64, String, Int).self) { result.append(row) }
            return result
        }
    }

    public func storeSnapshot(cameraID: Int64, url: String, at: Int64) async throws(StoreError) {
        let logger = logger
        try await client.store("storing a snapshot") { client in
            try await client.query(
                "UPDATE cameras SET snapshot_url = \(url), snapshot_at = to_timestamp(\(at)::bigint / 1000.0) WHERE id = \(cameraID)", logger: logger)
        }
    }
}
