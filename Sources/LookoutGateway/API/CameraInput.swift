import LookoutCore
import LookoutStore

/// Camera bodies of `POST /api/camera` and `PUT /api/camera/:id`. Stream URLs are not accepted:
/// they come from renewals only.
enum CameraInput {
    static let idRange: ClosedRange<Int64> = 1...Int64.max
    static let channelRange: ClosedRange<Int64> = 1...Int64(Int32.max)

    static func draft(_ body: JSONBody) throws(APIError) -> CameraDraft {
        CameraDraft(
            nvrId: try body.integer("nvrId", in: idRange),
            name: try body.string("name", maxLength: 200, required: true) ?? "",
            enabled: try body.bool("enabled") ?? true,
            mediamtxPath: try body.string("mediamtxPath").map(checkedPath),
            hikResourceId: try body.string("hikResourceId"),
            hikDeviceSerial: try body.string("hikDeviceSerial"),
            hikChannelNo: try body.integer("hikChannelNo", in: channelRange).map(Int.init)
        )
    }

    /// Fields present are changed; `null` clears a nullable one. At least one field is needed.
    static func changes(_ body: JSONBody) throws(APIError) -> CameraChanges {
        var changes = CameraChanges()
        changes.nvrId = try body.nullableInteger("nvrId", in: idRange)
        changes.name = try body.string("name", maxLength: 200)
        changes.enabled = try body.bool("enabled")
        if let path = try body.nullableString("mediamtxPath") { changes.mediamtxPath = .some(try path.map(checkedPath)) }
        changes.hikResourceId = try body.nullableString("hikResourceId")
        changes.hikDeviceSerial = try body.nullableString("hikDeviceSerial")
        changes.hikChannelNo = try body.nullableInteger("hikChannelNo", in: channelRange).map { $0.map(Int.init) }
        guard changes != CameraChanges() else {
            throw APIError.invalidField("body", "give at least one of nvrId, name, enabled, mediamtxPath, hikResourceId, hikDeviceSerial, hikChannelNo")
        }
        return changes
    }

    /// A MediaMTX path name: segments of `0-9 A-Z a-z _ . -` joined by single `/`, none of
    /// them `.` or `..` (the `cameras_mediamtx_path_check` constraint), and not a name MediaMTX
    /// reserves (`all`, `all_others`; `cameras_mediamtx_path_reserved`).
    static func checkedPath(_ path: String) throws(APIError) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        let valid = segments.allSatisfy { segment in
            !segment.isEmpty && segment != "." && segment != ".."
                && segment.unicodeScalars.allSatisfy { scalar in
                    switch scalar {
                    case "0"..."9", "A"..."Z", "a"..."z", "_", ".", "-": true
                    default: false
                    }
                }
        }
        guard valid else {
            throw APIError.invalidField(
                "mediamtxPath", "mediamtxPath must be segments of 0-9 A-Z a-z _ . - joined by single /, without . or .. segments")
        }
        guard !MediaMTXReservedPathNames.contains(path) else {
            throw APIError.invalidField(
                "mediamtxPath", "mediamtxPath must not be \(MediaMTXReservedPathNames.all.sorted().joined(separator: " or ")): MediaMTX applies those to every path")
        }
        return path
    }
}
