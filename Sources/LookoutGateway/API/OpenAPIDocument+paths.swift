/// Every route, by path and method. Path parameters are written `{id}`, as the router names them.
extension OpenAPIDocument {
    static var paths: JSONValue {
        var paths: [String: JSONValue] = [:]
        for (path, operations) in cameraPaths.merging(nvrPaths, uniquingKeysWith: { $1 }).merging(streamPaths, uniquingKeysWith: { $1 })
            .merging(operationsPaths, uniquingKeysWith: { $1 }).merging(keyPaths, uniquingKeysWith: { $1 }).merging(alertPaths, uniquingKeysWith: { $1 })
        {
            paths[path] = .object(operations)
        }
        return .object(paths)
    }

    static func success(_ schema: String) -> JSONValue { jsonContent(["allOf": [ref("Success"), ref(schema)]]) }

    static var cameraPaths: [String: [String: JSONValue]] {
        let id = parameter("id")
        return [
            "/api/camera": [
                "get": operation(
                    "List cameras", tag: "cameras", access: .viewer,
                    parameters: [parameter("status"), parameter("nvrId"), parameter("page"), parameter("limit")],
                    response: success("CameraList"), errors: [422]),
                "post": operation(
                    "Create a camera", tag: "cameras", access: .admin, body: ref("CameraInput"), status: 201, response: success("OneCamera"),
                    description: "Created", errors: [404, 409, 422]),
            ],
            "/api/camera/{id}": [
                "get": operation("Read a camera", tag: "cameras", access: .viewer, parameters: [id], response: success("OneCamera"), errors: [404]),
                "put": operation(
                    "Change a camera (fields present change; null clears)", tag: "cameras", access: .admin, parameters: [id],
                    body: ref("CameraChanges"), response: success("OneCamera"), errors: [404, 409, 422]),
                "delete": operation("Delete a camera", tag: "cameras", access: .admin, parameters: [id], response: success("Deleted"), errors: [404]),
            ],
            "/api/camera/{id}/live": [
                "get": operation(
                    "The camera's HLS URL with a short-lived playback credential for its path (never its RTMP URL)", tag: "cameras", access: .viewer, parameters: [id], response: success("Live"),
                    errors: [404])
            ],
            "/api/camera/{id}/snapshot": [
                "get": operation(
                    "The camera's latest snapshot; 404 when it has none", tag: "cameras", access: .viewer, parameters: [id],
                    response: success("Snapshot"), errors: [404])
            ],
        ]
    }

    static var nvrPaths: [String: [String: JSONValue]] {
        let id = parameter("id")
        return [
            "/api/nvr": [
                "get": operation(
                    "List NVRs with their cameras", tag: "nvrs", access: .viewer, parameters: [parameter("status"), parameter("page"), parameter("limit")],
                    response: success("NVRList"), errors: [422]),
                "post": operation(
                    "Register an NVR; the response holds its token, once", tag: "nvrs", access: .admin, body: ref("NVRInput"), status: 201,
                    response: success("NVRCreated"), description: "Created", errors: [409, 422]),
            ],
            "/api/nvr/{id}": [
                "get": operation("Read an NVR", tag: "nvrs", access: .viewer, parameters: [id], response: success("OneNVR"), errors: [404]),
                "put": operation(
                    "Rename an NVR (a new hostname closes its connection with 4006)", tag: "nvrs", access: .admin, parameters: [id],
                    body: ref("NVRChanges"), response: success("OneNVR"), errors: [404, 409, 422]),
                "delete": operation(
                    "Delete an NVR (its cameras stay, unattached; its connection is closed with 4006)", tag: "nvrs", access: .admin,
                    parameters: [id], response: success("Deleted"), errors: [404]),
            ],
            "/api/nvr/{id}/token": [
                "post": operation(
                    "Rotate the NVR's token: the old one stops working at once and its connection is closed with 4006", tag: "nvrs",
                    access: .admin, parameters: [id], response: success("TokenRotated"), errors: [404])
            ],
            "/api/nvr/{id}/sessions": [
                "get": operation(
                    "Session history and uptime over a window", tag: "nvrs", access: .viewer,
                    parameters: [id, parameter("hours"), parameter("sessionLimit")], response: success("SessionHistory"), errors: [404, 422])
            ],
        ]
    }

    static var streamPaths: [String: [String: JSONValue]] {
        [
            "/api/hikvision/initialize": [
                "post": operation("Discover cameras from Hik-Connect", tag: "streams", access: .admin, response: success("Discovery"))
            ],
            "/api/hikvision/renew": [
                "post": operation(
                    "Enqueue stream renewals (all cameras, or the ones given)", tag: "streams", access: .admin, body: ref("RenewRequest"),
                    bodyRequired: false, status: 202, response: success("Renewal"), description: "Accepted", errors: [404, 422])
            ],
            "/api/renewals/dead": [
                "get": operation("Renewals that gave up", tag: "streams", access: .viewer, response: success("DeadRenewalList"))
            ],
            "/api/renewals/dead/retry": [
                "post": operation("Retry every dead renewal", tag: "streams", access: .admin, response: success("Retried"))
            ],
            "/api/renewals/dead/{cameraId}/retry": [
                "post": operation(
                    "Retry one camera's dead renewal", tag: "streams", access: .admin, parameters: [parameter("cameraId")],
                    response: success("Retried"), errors: [404])
            ],
            "/api/dead": [
                "get": operation("Both dead sets: presence dead letters and dead renewals", tag: "streams", access: .admin, response: success("DeadSets"))
            ],
            "/api/dead/replay": [
                "post": operation(
                    "Replay presence dead letters (back into the presence stream) and dead renewals (scheduled now)", tag: "streams",
                    access: .admin, body: ref("DeadReplayRequest"), response: success("DeadReplayReport"), errors: [404, 422])
            ],
        ]
    }

    static var operationsPaths: [String: [String: JSONValue]] {
        let text: JSONValue = ["text/plain": ["schema": ["type": "string"]]]
        return [
            "/api/stats": ["get": operation("Connections across all gateways", tag: "operations", access: .viewer, response: jsonContent(ref("Stats")))],
            "/healthz": ["get": operation("Liveness", tag: "operations", access: .open, response: jsonContent(ref("Health")))],
            "/readyz": ["get": readiness],
            "/metrics": ["get": operation("Prometheus metrics", tag: "operations", access: .open, response: text)],
            "/openapi.json": [
                "get": operation("This document", tag: "operations", access: .open, response: jsonContent(["type": "object"]))
            ],
            "/ws": [
                "get": operation(
                    "WebSocket for NVR agents and dashboards (docs/protocol.md); upgrade with 101", tag: "operations", access: .open,
                    status: 101, response: [:], description: "Switching Protocols", errors: [426])
            ],
            "/mediamtx/auth": ["post": mediamtxAuth],
            "/": ["get": operation("The dashboard page", tag: "dashboard", access: .open, response: ["text/html": ["schema": ["type": "string"]]])],
            "/dashboard.js": [
                "get": operation("The dashboard's script", tag: "dashboard", access: .open, response: ["text/javascript": ["schema": ["type": "string"]]])
            ],
            "/dashboard.css": [
                "get": operation("The dashboard's style sheet", tag: "dashboard", access: .open, response: ["text/css": ["schema": ["type": "string"]]])
            ],
        ]
    }

    /// MediaMTX's `authHTTPAddress`: 204 allows, 401 (empty) refuses; never the error shape.
    static var mediamtxAuth: JSONValue {
        let string: JSONValue = ["type": "string"]
        let request: JSONValue = [
            "type": "object",
            "properties": [
                "action": ["type": "string", "enum": ["read", "playback", "publish", "api", "metrics", "pprof"]], "path": string,
                "query": ["type": "string", "description": "the request's query string; `token=` carries the credential from /live"],
                "token": ["type": "string", "description": "a Bearer credential, if the player sent one"], "user": string, "password": string,
                "ip": string, "protocol": string, "id": ["type": ["string", "null"]], "userAgent": string,
            ],
        ]
        return [
            "summary": "MediaMTX asks whether to allow an action (authMethod: http): read/playback need a credential from /live for that path",
            "tags": ["operations"], "security": [],
            "requestBody": ["required": true, "content": jsonContent(request)],
            "responses": ["204": ["description": "Allowed"], "401": ["description": "Refused (empty body, whatever the reason)"]],
        ]
    }

    /// 200 or 503, both with the readiness body (not the error shape).
    static var readiness: JSONValue {
        guard case .object(var fields) = operation("Readiness", tag: "operations", access: .open, response: jsonContent(ref("Ready"))),
            case .object(var responses) = fields["responses"]
        else { return [:] }
        responses["503"] = ["description": "Redis or PostgreSQL does not answer; `failing` names it", "content": jsonContent(ref("Ready"))]
        fields["responses"] = .object(responses)
        return .object(fields)
    }
}
