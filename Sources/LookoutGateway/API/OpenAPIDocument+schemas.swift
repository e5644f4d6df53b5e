/// The bodies: what each route takes and answers.
extension OpenAPIDocument {
    static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required.map { .string($0) }) }
        return .object(schema)
    }

    static let integer: JSONValue = ["type": "integer"]
    static let string: JSONValue = ["type": "string"]
    static let boolean: JSONValue = ["type": "boolean"]
    static let nullableInteger: JSONValue = ["type": ["integer", "null"]]
    static let nullableString: JSONValue = ["type": ["string", "null"]]
    static let status: JSONValue = ["type": "string", "enum": ["online", "offline", "unknown"]]
    static let renewalState: JSONValue = ["type": "string", "enum": ["idle", "scheduled", "running", "retrying", "failed"]]
    static func array(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }

    static var schemas: JSONValue {
        var schemas = cameraSchemas.merging(nvrSchemas) { $1 }.merging(streamSchemas) { $1 }.merging(keySchemas) { $1 }
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
        let input: [String: JSONValue] = [
            "nvrId": nullableInteger, "name": ["type": "string", "minLength": 1, "maxLength": 200], "enabled": boolean,
            "mediamtxPath": [
                "type": ["string", "null"], "pattern": "^[0-9A-Za-z_.-]+(/[0-9A-Za-z_.-]+)*$",
                "not": ["enum": ["all", "all_others"]], "description": "MediaMTX's reserved all and all_others are refused",
            ],
            "hikResourceId": nullableString,
            "hikDeviceSerial": nullableString, "hikChannelNo": ["type": ["integer", "null"], "minimum": 1],
        ]
        let camera: [String: JSONValue] = [
            "id": integer, "nvrId": nullableInteger, "name": string, "status": status, "statusReason": nullableString, "statusChangedAt": integer,
            "enabled": boolean, "mediamtxPath": nullableString, "hikResourceId": nullableString, "hikDeviceSerial": nullableString,
            "hikChannelNo": nullableInteger, "hasStream": boolean, "streamExpiresAt": nullableInteger, "hasPendingStream": boolean,
            "pendingStreamExpiresAt": nullableInteger, "renewalState": renewalState, "renewalDueAt": nullableInteger, "renewalAttempts": integer,
            "renewalLastError": nullableString, "hasSnapshot": boolean, "snapshotAt": nullableInteger, "createdAt": integer, "updatedAt": integer,
        ]
        return [
            "Camera": object(camera, required: ["id", "name", "status", "enabled", "hasStream", "renewalState"]),
            "CameraInput": object(input, required: ["name"]),
            "CameraChanges": object(input),
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
        let nvrCamera = object([
            "id": integer, "name": string, "status": status, "statusReason": nullableString, "enabled": boolean, "path": nullableString,
            "streamExpiresAt": nullableInteger, "renewalState": renewalState,
        ])
        let nvr = object(
            [
                "id": integer, "hostname": string, "name": string, "status": status, "statusChangedAt": integer, "lastSeenAt": nullableInteger,
                "version": integer, "session": nullableString, "gateway": nullableString, "cameras": array(nvrCamera),
            ], required: ["id", "hostname", "status", "cameras"])
        let session = object([
            "sessionId": string, "connectionVersion": integer, "gateway": string, "connectedAt": integer, "disconnectedAt": nullableInteger,
            "disconnectReason": nullableString,
        ])
        let uptime = object(["from": integer, "to": integer, "connectedMillis": integer, "ratio": ["type": "number", "minimum": 0, "maximum": 1]])
        let hostname: JSONValue = ["type": "string", "minLength": 1, "maxLength": 255]
        let hostnameOnly: JSONValue = [
            "type": "boolean",
            "description": "its agent may authenticate with its hostname alone (the old system's agents); turning it off closes such a connection with 4006",
        ]
        return [
            "NVR": nvr,
            "NVRList": object(["nvrs": array(ref("NVR")), "pagination": ref("PageInfo")], required: ["nvrs", "pagination"]),
            "OneNVR": object(["nvr": ref("NVR")], required: ["nvr"]),
            "NVRInput": object(
                ["hostname": hostname, "name": string, "cameras": ["type": "integer", "minimum": 0, "maximum": 64], "hostnameOnlyAuth": hostnameOnly],
                required: ["hostname"]),
            "NVRChanges": object(["hostname": hostname, "name": string, "hostnameOnlyAuth": hostnameOnly]),
            "NVRCreated": object(["nvr": ref("NVR"), "token": ["type": "string", "description": "shown once"]], required: ["nvr", "token"]),
            "TokenRotated": object(
                ["nvrId": integer, "token": ["type": "string", "description": "shown once"], "disconnectRequested": boolean],
                required: ["nvrId", "token"]),
            "SessionHistory": object(["nvrId": integer, "hours": integer, "uptime": uptime, "sessions": array(session)], required: ["nvrId", "uptime", "sessions"]),
        ]
    }

    static var streamSchemas: [String: JSONValue] {
        [
            "Discovery": object(
                ["report": object(["devices": integer, "cameras": integer, "created": integer, "updated": integer, "unchanged": integer])],
                required: ["report"]),
            "RenewRequest": object(["cameraIds": array(["type": "integer", "minimum": 1])]),
            "Renewal": object(
                ["report": object(["requested": integer, "enqueued": integer, "movedEarlier": integer, "unchanged": integer, "skipped": integer])],
                required: ["report"]),
            "DeadRenewalList": object(
                ["renewals": array(object(["cameraId": integer, "attempts": integer, "error": string, "failedAt": integer]))], required: ["renewals"]),
            "Retried": object(["retried": integer], required: ["retried"]),
        ]
    }
}
