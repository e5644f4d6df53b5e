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

    static var keySchemas: [String: JSONValue] {
        let role: JSONValue = ["type": "string", "enum": ["viewer", "admin"]]
        let key = object(
            [
                "id": integer, "name": string, "role": role, "createdAt": integer, "expiresAt": nullableInteger, "lastUsedAt": nullableInteger,
                "revokedAt": nullableInteger,
            ], required: ["id", "name", "role", "createdAt"])
        return [
            "APIKey": key,
            "APIKeyList": object(["apiKeys": array(ref("APIKey"))], required: ["apiKeys"]),
            "APIKeyInput": object(
                [
                    "name": ["type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S"], "role": role,
                    "expiresAt": ["type": "integer", "description": "Unix milliseconds, in the future, at most ten years ahead (left out: never)"],
                ], required: ["name", "role"]),
            "APIKeyCreated": object(["apiKey": ref("APIKey"), "key": ["type": "string", "description": "shown once"]], required: ["apiKey", "key"]),
            "APIKeyRevoked": object(["apiKey": ref("APIKey")], required: ["apiKey"]),
        ]
    }
}
