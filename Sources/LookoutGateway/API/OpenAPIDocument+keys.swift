import LookoutCore

/// `/api/apikey…`: managing API keys (admin only).
extension OpenAPIDocument {
    static var keyPaths: [String: [String: JSONValue]] {
        [
            "/api/apikey": [
                "get": operation(
                    "List API keys (never the keys themselves), newest first", tag: "keys", access: .admin, response: success("APIKeyList")),
                "post": operation(
                    "Create an API key; the response holds it, once", tag: "keys", access: .admin, body: ref("APIKeyInput"), status: 201,
                    response: success("APIKeyCreated"), description: "Created", errors: [422]),
            ],
            "/api/apikey/{id}": [
                "delete": operation(
                    "Revoke an API key: requests with it fail at once; its open dashboards close within about a second (4006)", tag: "keys",
                    access: .admin, parameters: [parameter("id")], response: success("APIKeyRevoked"), errors: [404])
            ],
        ]
    }

    /// The server takes an `expiresAt` in the future and at most ten (366-day) years ahead, as of
    /// the request. The document states the bounds as of when it was served, an hour narrower at
    /// the start, so a value it allows stays allowed for an hour after it was fetched.
    static var keySchemas: [String: JSONValue] {
        let now = unixMillis()
        let expiresAt: JSONValue = [
            "type": "integer", "minimum": .integer(now + 3_600_000), "maximum": .integer(now + 10 * 365 * 86_400_000),
            "description": "Unix milliseconds, later than now and at most ten years ahead (the bounds here are as of when this document was served, the lower one an hour later); left out: never",
        ]
        let role: JSONValue = ["type": "string", "enum": ["viewer", "admin"]]
        let key = record(
            ["id": integer, "name": string, "role": role, "createdAt": integer], optional: ["expiresAt": integer, "lastUsedAt": integer, "revokedAt": integer])
        return [
            "APIKey": key,
            "APIKeyList": object(["apiKeys": array(ref("APIKey"))], required: ["apiKeys"]),
            "APIKeyInput": object(
                [
                    "name": text(maxLength: 200), "role": role, "expiresAt": expiresAt,
                ], required: ["name", "role"]),
            "APIKeyCreated": object(["apiKey": ref("APIKey"), "key": ["type": "string", "description": "shown once"]], required: ["apiKey", "key"]),
            "APIKeyRevoked": object(["apiKey": ref("APIKey")], required: ["apiKey"]),
        ]
    }
}
