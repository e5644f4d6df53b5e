import LookoutCore
import PostgresNIO

/// The columns of a ``CameraRecord`` and how to read one row of them. Stream URLs and the
/// snapshot URL are never selected, only whether they are set.
enum CameraRecordLoader {
    static let columns = """
        id, nvr_id, name, status, status_reason,
        floor(extract(epoch FROM status_changed_at) * 1000)::bigint AS status_changed_at,
        enabled, mediamtx_path, hik_resource_id, hik_device_serial, hik_channel_no,
        stream_url IS NOT NULL AS has_stream,
        floor(extract(epoch FROM stream_expires_at) * 1000)::bigint AS stream_expires_at,
        pending_stream_url IS NOT NULL AS has_pending_stream,
        floor(extract(epoch FROM pending_stream_expires_at) * 1000)::bigint AS pending_stream_expires_at,
        renewal_state,
        floor(extract(epoch FROM renewal_due_at) * 1000)::bigint AS renewal_due_at,
        renewal_attempts, renewal_last_error,
        snapshot_url IS NOT NULL AS has_snapshot,
        floor(extract(epoch FROM snapshot_at) * 1000)::bigint AS snapshot_at,
        floor(extract(epoch FROM created_at) * 1000)::bigint AS created_at,
        floor(extract(epoch FROM updated_at) * 1000)::bigint AS updated_at
        """

    static func record(_ row: PostgresRow) throws -> CameraRecord {
        let cells = row.makeRandomAccess()
        return CameraRecord(
            id: try cells["id"].decode(Int64.self),
            nvrId: try cells["nvr_id"].decode(Int64?.self),
            name: try cells["name"].decode(String.self),
            status: DeviceStatus(rawValue: try cells["status"].decode(String.self)) ?? .unknown,
            statusReason: try cells["status_reason"].decode(String?.self),
            statusChangedAt: try cells["status_changed_at"].decode(Int64.self),
            enabled: try cells["enabled"].decode(Bool.self),
            mediamtxPath: try cells["mediamtx_path"].decode(String?.self),
            hikResourceId: try cells["hik_resource_id"].decode(String?.self),
            hikDeviceSerial: try cells["hik_device_serial"].decode(String?.self),
            hikChannelNo: try cells["hik_channel_no"].decode(Int32?.self).map(Int.init),
            hasStream: try cells["has_stream"].decode(Bool.self),
            streamExpiresAt: try cells["stream_expires_at"].decode(Int64?.self),
            hasPendingStream: try cells["has_pending_stream"].decode(Bool.self),
            pendingStreamExpiresAt: try cells["pending_stream_expires_at"].decode(Int64?.self),
            renewalState: try cells["renewal_state"].decode(String.self),
            renewalDueAt: try cells["renewal_due_at"].decode(Int64?.self),
            renewalAttempts: Int(try cells["renewal_attempts"].decode(Int32.self)),
            renewalLastError: try cells["renewal_last_error"].decode(String?.self).map(redactingURLs),
            hasSnapshot: try cells["has_snapshot"].decode(Bool.self),
            snapshotAt: try cells["snapshot_at"].decode(Int64?.self),
            createdAt: try cells["created_at"].decode(Int64.self),
            updatedAt: try cells["updated_at"].decode(Int64.self)
        )
    }

    /// `text` with every `scheme://…` run replaced by `[redacted]`: an error message may quote
    /// the signed stream URL it failed on, and this one goes to viewers.
    static func redactingURLs(_ text: String) -> String {
        text.replacing(/[A-Za-z][A-Za-z0-9+.\-]*:\/\/\S+/, with: "[redacted]")
    }
}

extension StoreError {
    /// Like ``wrapping(_:while:)``, but a missing NVR (foreign key) or a value a `CHECK` refuses
    /// becomes ``Code/invalidArgument`` naming the API field.
    static func wrappingCameraWrite(_ error: any Error, while action: String) -> StoreError {
        if let error = error as? PSQLError, let info = error.serverInfo, let state = info[.sqlState] {
            let constraint = info[.constraintName] ?? ""
            // An id that names no row is a 404, as for an unknown camera id in a renewal request.
            if state == "23503" { return StoreError(.notFound, field: "nvrId", "no NVR has this nvrId", underlying: error) }
            if state == "23514" {
                let field = checkConstraintFields[constraint] ?? constraint
                return StoreError(.invalidArgument, field: field, "\(field) is not valid", underlying: error)
            }
        }
        let wrapped = wrapping(error, while: action)
        guard wrapped.code == .duplicate, let field = wrapped.field else { return wrapped }
        return .duplicate(apiFieldNames[field] ?? field, underlying: wrapped.underlying)
    }

    static let checkConstraintFields = [
        "cameras_mediamtx_path_check": "mediamtxPath", "cameras_mediamtx_path_reserved": "mediamtxPath", "cameras_hik_channel_no_check": "hikChannelNo",
        "nvrs_hostname_check": "hostname",
    ]
    static let apiFieldNames = ["mediamtx_path": "mediamtxPath", "hik_resource_id": "hikResourceId"]
}
