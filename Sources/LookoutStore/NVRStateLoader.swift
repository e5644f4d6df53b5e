import Logging
import LookoutCore
import PostgresNIO

/// Reads ``NVRState``s (with their cameras) in two queries, whatever the number of NVRs.
enum NVRStateLoader {
    /// The NVRs with `ids` (all when nil) ordered by hostname, each with its cameras by id.
    static func load(ids: [Int64]?, on connection: PostgresConnection, logger: Logger) async throws -> [NVRState] {
        let all = ids == nil
        let ids = ids ?? []
        let nvrRows = try await connection.query(
            """
            SELECT id, hostname, name, status,
                floor(extract(epoch FROM status_changed_at) * 1000)::bigint,
                floor(extract(epoch FROM last_seen_at) * 1000)::bigint,
                connection_version, session_id, gateway_id
            FROM nvrs
            WHERE \(all) OR id = ANY(\(ids))
            ORDER BY hostname
            """,
            logger: logger
        )
        var states: [NVRState] = []
        var index: [Int64: Int] = [:]
        for try await row in nvrRows.decode((Int64, String, String, String, Int64, Int64?, Int64, String?, String?).self) {
            let (id, hostname, name, status, changedAt, lastSeenAt, version, session, gateway) = row
            index[id] = states.count
            states.append(
                NVRState(
                    id: id, hostname: hostname, name: name, status: DeviceStatus(rawValue: status) ?? .unknown,
                    statusChangedAt: changedAt, lastSeenAt: lastSeenAt, version: version, session: session, gateway: gateway,
                    cameras: []
                )
            )
        }
        guard !states.isEmpty else { return [] }

        let cameraRows = try await connection.query(
            """
            SELECT nvr_id, id, name, status, status_reason, enabled, mediamtx_path,
                floor(extract(epoch FROM stream_expires_at) * 1000)::bigint, renewal_state
            FROM cameras
            WHERE nvr_id IS NOT NULL AND (\(all) OR nvr_id = ANY(\(ids)))
            ORDER BY nvr_id, id
            """,
            logger: logger
        )
        for try await row in cameraRows.decode((Int64, Int64, String, String, String?, Bool, String?, Int64?, String).self) {
            let (nvrID, id, name, status, reason, enabled, path, expiresAt, renewalState) = row
            // A camera of an NVR created after the first query has no entry: it is left out.
            guard let position = index[nvrID] else { continue }
            states[position].cameras.append(
                CameraState(
                    id: id, name: name, status: DeviceStatus(rawValue: status) ?? .unknown, statusReason: reason,
                    enabled: enabled, path: path, streamExpiresAt: expiresAt, renewalState: renewalState
                )
            )
        }
        return states
    }
}
