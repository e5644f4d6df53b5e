/// The bodies: what each route takes and answers.
extension OpenAPIDocument {
    static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required.map { .string($0) }) }
        return .object(schema)
    }

    /// A response object: every field of `always` is present; a field of `optional` is left out
    /// when it has no value (never null).
    static func record(_ always: [String: JSONValue], optional: [String: JSONValue] = [:]) -> JSONValue {
        object(always.merging(optional) { $1 }, required: always.keys.sorted())
    }

    static let integer: JSONValue = ["type": "integer"]
    /// An id: what the server parses (a positive Int64).
    static let id: JSONValue = ["type": "integer", "minimum": 1, "maximum": .integer(Int64.max)]

    /// Control characters (Unicode Cc), which no text field accepts.
    static let controls = "\\u0000-\\u001F\\u007F-\\u009F"

    /// A text field as ``JSONBody/string(_:maxLength:required:)`` checks it: no control
    /// characters, at least one character that is not whitespace (surrounding whitespace is
    /// trimmed), at most `maxLength` characters.
    static func text(maxLength: Int, _ description: String? = nil) -> JSONValue {
        var schema: [String: JSONValue] = [
            "type": "string", "minLength": 1, "maxLength": .integer(Int64(maxLength)),
            "pattern": .string("^[^\(controls)]*[^\\s\(controls)][^\(controls)]*$"),
        ]
        if let description { schema["description"] = .string(description) }
        return .object(schema)
    }

    /// `schema` or null.
    static func nullable(_ schema: JSONValue) -> JSONValue {
        guard case .object(var fields) = schema, case .string(let type) = fields["type"] else { return schema }
        fields["type"] = [.string(type), "null"]
        return .object(fields)
    }

    /// An object with at least one of `fields` (besides any unknown ones, which are ignored).
    static func atLeastOne(of fields: [String], _ schema: JSONValue) -> JSONValue {
        guard case .object(var object) = schema else { return schema }
        object["anyOf"] = .array(fields.map { ["required": [.string($0)]] })
        return .object(object)
    }
    static let string: JSONValue = ["type": "string"]
    static let boolean: JSONValue = ["type": "boolean"]
    static let status: JSONValue = ["type": "string", "enum": ["online", "offline", "unknown"]]
    static let renewalState: JSONValue = ["type": "string", "enum": ["idle", "scheduled", "running", "retrying", "failed"]]
    static func array(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }

    static var schemas: JSONValue {
        var schemas = cameraSchemas.merging(nvrSchemas) { $1 }.merging(streamSchemas) { $1 }.merging(keySchemas) { $1 }.merging(alertSchemas) { $1 }
        schemas["Error"] = object(
            ["error": object(["code": ["type": "string", "enum": .array(APIError.codes.map { .string($0.code) })], "message": string, "field": string], required: ["code", "message"])],
            required: ["error"])
        schemas["Success"] = object(["success": ["const": true]], required: ["success"])
        schemas["PageInfo"] = object(["page": integer, "limit": integer, "total": integer, "pages": integer], required: ["page", "limit", "total", "pages"])
        schemas["Deleted"] = object(["id": integer], required: ["id"])
        schemas["Health"] = object(["status": ["const": "ok"]], required: ["status"])
        schemas["Ready"] = object(["status": ["type": "string", "enum": ["ready", "unavailable"]], "failing": array(["type": "string", "enum": ["redis", "postgres"]])], required: ["status"])
        let gateway = object(["gateway": string, "startedAt": integer, "nvrConnections": integer, "dashboardClients": integer, "nvrHostnames": array(string)])
        schemas["Stats"] = object(
            ["total": object(["gateways": integer, "nvrConnections": integer, "dashboardClients": integer, "nvrHostnames": array(string)]), "gateways": array(gateway)],
            required: ["total", "gateways"])
        return .object(schemas)
    }

    static var cameraSchemas: [String: JSONValue] {
        // A MediaMTX path name (`CameraInput.checkedPath`): segments of 0-9 A-Z a-z _ . - joined by
        // single `/`, none of them `.` or `..`.
        let segment = "(?:[0-9A-Za-z_-][0-9A-Za-z_.-]*|\\.[0-9A-Za-z_-][0-9A-Za-z_.-]*|\\.\\.[0-9A-Za-z_.-]+)"
        // MediaMTX's reserved `all` and `all_others` are refused (the lookahead).
        let path: JSONValue = [
            "type": "string", "minLength": 1, "maxLength": 255, "pattern": .string("^(?!(?:all|all_others)$)\(segment)(?:/\(segment))*$"),
        ]
        let channel: JSONValue = ["type": "integer", "minimum": 1, "maximum": .integer(Int64(Int32.max))]
        // Create: a field is left out or has a value (null is refused); change: null clears it.
        let nvrId: JSONValue = ["type": "integer", "minimum": 1, "maximum": .integer(Int64.max), "description": "an existing NVR (else 404)"]
        let input: [String: JSONValue] = [
            "nvrId": nvrId,
            "name": text(maxLength: 200), "enabled": boolean, "mediamtxPath": path, "hikResourceId": text(maxLength: 255),
            "hikDeviceSerial": text(maxLength: 255), "hikChannelNo": channel,
        ]
        let changes = input.merging([
            "nvrId": nullable(nvrId), "mediamtxPath": nullable(path), "hikResourceId": nullable(text(maxLength: 255)),
            "hikDeviceSerial": nullable(text(maxLength: 255)), "hikChannelNo": nullable(channel),
        ]) { $1 }
        let camera = record(
            [
                "id": integer, "name": string, "status": status, "statusChangedAt": integer, "enabled": boolean, "hasStream": boolean,
                "hasPendingStream": boolean, "renewalState": renewalState, "renewalAttempts": integer, "hasSnapshot": boolean,
                "createdAt": integer, "updatedAt": integer,
            ],
            optional: [
                "nvrId": integer, "statusReason": string, "mediamtxPath": string, "hikResourceId": string, "hikDeviceSerial": string,
                "hikChannelNo": integer, "streamExpiresAt": integer, "pendingStreamExpiresAt": integer, "renewalDueAt": integer,
                "renewalLastError": string, "snapshotAt": integer,
            ])
        return [
            "Camera": camera,
            "CameraInput": object(input, required: ["name"]),
            "CameraChanges": atLeastOne(of: changes.keys.sorted(), object(changes)),
            "CameraList": object(["cameras": array(ref("Camera")), "pagination": ref("PageInfo")], required: ["cameras", "pagination"]),
            "OneCamera": object(["camera": ref("Camera")], required: ["camera"]),
            "Live": object(
                [
                    "hlsUrl": [
                        "type": "string",
                        "description": "<LOOKOUT_HLS_BASE_URL>/<mediamtxPath>/index.m3u8?token=<credential for this path, LOOKOUT_PLAYBACK_TOKEN_TTL seconds>",
                    ],
                    "expiresAt": ["type": "integer", "description": "Unix ms when the credential stops starting playback; ask /live again before"],
                    "cameraInfo": ref("Camera"),
                ],
                required: ["hlsUrl", "expiresAt", "cameraInfo"]),
            "Snapshot": object(["cameraId": integer, "snapshotUrl": string, "snapshotAt": integer], required: ["cameraId", "snapshotUrl", "snapshotAt"]),
        ]
    }

    static var nvrSchemas: [String: JSONValue] {
        let nvrCamera = record(
            ["id": integer, "name": string, "status": status, "enabled": boolean, "renewalState": renewalState],
            optional: ["statusReason": string, "path": string, "streamExpiresAt": integer])
        let nvr = record(
            [
                "id": integer, "hostname": string, "name": string, "status": status, "statusChangedAt": integer, "version": integer,
                "cameras": array(nvrCamera),
            ], optional: ["lastSeenAt": integer, "session": string, "gateway": string])
        let session = record(
            ["sessionId": string, "connectionVersion": integer, "gateway": string, "connectedAt": integer],
            optional: ["disconnectedAt": integer, "disconnectReason": string])
        let uptime = record(["from": integer, "to": integer, "connectedMillis": integer, "ratio": ["type": "number", "minimum": 0, "maximum": 1]])
        // `NVRInput.hostname`: at most 255 bytes of UTF-8 without whitespace or control characters;
        // 255 printable ASCII characters, or 63 of any others (4 bytes each at most).
        let hostname: JSONValue = [
            "type": "string", "minLength": 1, "maxLength": 255,
            "pattern": .string("^(?:[!-~]{1,255}|[^\\s\(controls)]{1,63})$"),
            "description": "at most 255 bytes of UTF-8, no whitespace; stored in Unicode NFC",
        ]
        let hostnameOnly: JSONValue = [
            "type": "boolean",
            "description": "its agent may authenticate with its hostname alone (the old system's agents); turning it off closes such a connection with 4006",
        ]
        return [
            "NVR": nvr,
            "NVRList": object(["nvrs": array(ref("NVR")), "pagination": ref("PageInfo")], required: ["nvrs", "pagination"]),
            "OneNVR": object(["nvr": ref("NVR")], required: ["nvr"]),
            "NVRInput": object(
                ["hostname": hostname, "name": text(maxLength: 200), "cameras": ["type": "integer", "minimum": 0, "maximum": 64], "hostnameOnlyAuth": hostnameOnly],
                required: ["hostname"]),
            "NVRChanges": atLeastOne(
                of: ["hostname", "hostnameOnlyAuth", "name"], object(["hostname": hostname, "name": text(maxLength: 200), "hostnameOnlyAuth": hostnameOnly])),
            "NVRCreated": object(["nvr": ref("NVR"), "token": ["type": "string", "description": "shown once"]], required: ["nvr", "token"]),
            "TokenRotated": record(["nvrId": integer, "token": ["type": "string", "description": "shown once"], "disconnectRequested": boolean]),
            "SessionHistory": record(["nvrId": integer, "hours": integer, "uptime": uptime, "sessions": array(session)]),
        ]
    }

    static var streamSchemas: [String: JSONValue] {
        [
            "Discovery": object(
                ["report": record(["devices": integer, "cameras": integer, "created": integer, "updated": integer, "unchanged": integer])],
                required: ["report"]),
            "RenewRequest": object([
                "cameraIds": ["type": "array", "items": id, "minItems": 1, "maxItems": 10_000, "description": "existing cameras (else 404); left out: every camera"]
            ]),
            "Renewal": object(
                [
                    "report": record([
                        "requested": integer, "enqueued": integer, "movedEarlier": integer, "unchanged": integer, "skipped": integer,
                        "skippedCameras": array(record(["cameraId": integer, "reason": string])),
                    ])
                ],
                required: ["report"]),
            "DeadRenewalList": object(
                ["renewals": array(record(["cameraId": integer, "attempts": integer, "error": string, "failedAt": integer]))], required: ["renewals"]),
            "Retried": object(["retried": integer], required: ["retried"]),
            "DeadSets": object(
                [
                    "presence": array(
                        record([
                            "id": string, "originalId": string, "error": string, "attempts": integer,
                            "fields": ["type": "object", "additionalProperties": string], "replayable": boolean,
                        ])),
                    "renewals": array(record(["cameraId": integer, "attempts": integer, "error": string, "failedAt": integer])),
                    "alertDeliveries": array(ref("DeadAlertDelivery")),
                ], required: ["presence", "renewals", "alertDeliveries"]),
            "DeadReplayRequest": object([
                "presence": [
                    "type": "array", "items": ["type": "string", "pattern": "^[0-9]{1,20}-[0-9]{1,20}$"], "maxItems": 500,
                    "description": "presence dead letter ids (GET /api/dead); an unknown one is 404 and nothing is replayed",
                ],
                "cameraIds": ["type": "array", "items": id, "maxItems": 500, "description": "cameras with a dead renewal (else 404)"],
                "all": [
                    "type": "boolean",
                    "description": "true: every replayable presence dead letter and every dead renewal (the lists are then not used); a request naming nothing replays nothing",
                ],
            ]),
            "DeadReplayReport": object(
                ["presence": integer, "renewals": integer, "skipped": array(string)], required: ["presence", "renewals", "skipped"]),
        ]
    }
}
