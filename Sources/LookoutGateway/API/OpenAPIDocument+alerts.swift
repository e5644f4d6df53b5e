import LookoutCore

/// `/api/alerts…`: stored alerts and acknowledging them.
extension OpenAPIDocument {
    static var alertPaths: [String: [String: JSONValue]] {
        let kinds: JSONValue = .array(AlertKind.allCases.map { .string($0.rawValue) })
        let state: JSONValue = [
            "name": "state", "in": "query", "description": "open (not recovered), recovered, or all",
            "schema": ["type": "string", "enum": ["open", "recovered", "all"], "default": "all"],
        ]
        let kind: JSONValue = ["name": "kind", "in": "query", "schema": ["type": "string", "enum": kinds]]
        let ack = operation(
            "Acknowledge an alert: records the calling API key (id and name) and the time; a second call keeps the first (idempotent). Viewer keys may",
            tag: "alerts", access: .viewer, parameters: [parameter("id")], response: success("OneAlert"), errors: [404])
        return [
            "/api/alerts": [
                "get": operation(
                    "Stored alerts, open ones first, then newest first", tag: "alerts", access: .viewer,
                    parameters: [state, kind, parameter("page"), parameter("limit")], response: success("AlertList"), errors: [422])
            ],
            "/api/alerts/{id}/ack": ["post": ack],
        ]
    }

    static var alertSchemas: [String: JSONValue] {
        let kinds: JSONValue = .array(AlertKind.allCases.map { .string($0.rawValue) })
        let alert = record(
            [
                "id": integer, "kind": ["type": "string", "enum": kinds], "subjectType": ["type": "string", "enum": ["nvr", "camera", "account"]],
                "subjectName": string, "startedAt": integer, "durationMs": ["type": "integer", "description": "until recovery, or until now while open"],
                "open": boolean,
            ],
            optional: [
                "subjectId": ["type": "integer", "description": "the NVR's or camera's id; left out for the account"],
                "recoveredAt": integer, "acknowledgedBy": ["type": "string", "description": "the acknowledging API key's name"],
                "acknowledgedKeyId": integer, "acknowledgedAt": integer, "details": ["type": "string", "description": "short text, never a URL"],
            ])
        return [
            "Alert": alert,
            "AlertList": object(["alerts": array(ref("Alert")), "pagination": ref("PageInfo")], required: ["alerts", "pagination"]),
            "OneAlert": object(["alert": ref("Alert")], required: ["alert"]),
            "DeadAlertDelivery": record(
                [
                    "id": integer, "target": ["type": "string", "description": "scheme, host and port of the webhook"], "alertId": integer,
                    "event": ["type": "string", "enum": ["opened", "recovered"]], "attempts": integer, "createdAt": integer,
                ], optional: ["error": string, "diedAt": integer]),
        ]
    }
}
