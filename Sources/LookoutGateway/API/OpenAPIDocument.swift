import Foundation

/// The OpenAPI 3.1 document served at `/openapi.json`: every route the gateway registers, its
/// bodies and its errors. A test compares its paths with the router's routes, both ways.
enum OpenAPIDocument {
    /// Built for each request: the bounds of an API key's `expiresAt` move with the clock.
    static var json: [UInt8] { (try? JSONResponse.encoder.encode(document)).map(Array.init) ?? Array("{}".utf8) }

    static var document: JSONValue {
        [
            "openapi": "3.1.0",
            "info": [
                "title": "Lookout gateway",
                "version": "1",
                "description": """
                    NVR presence, cameras and their permanent HLS streams. Every route declares its access: open (no \
                    `security`), viewer or admin (`Authorization: Bearer <API key>`; admin routes document 403 for a viewer key). \
                    Paths with empty or dot segments or encoded slashes are answered 400 invalid_path; another method on a known \
                    path 405 with Allow. Errors have one shape: \
                    {"error":{"code","message","field"}}. Stream URLs (RTMP) and tokens never appear in a response, \
                    except an NVR's new token in the one response that creates or rotates it. Times are Unix milliseconds; \
                    a field without a value (null) is left out.
                    """,
            ],
            "security": [["apiKey": []]],
            "tags": [
                ["name": "cameras"], ["name": "nvrs"], ["name": "streams"], ["name": "keys"], ["name": "operations"], ["name": "alerts"], ["name": "dashboard"],
            ],
            "paths": paths,
            "components": [
                "securitySchemes": ["apiKey": ["type": "http", "scheme": "bearer", "description": "an API key (`lk_…`)"]],
                "schemas": schemas,
                "responses": errorResponses,
                "parameters": parameters,
            ],
        ]
    }

    // MARK: Building blocks

    /// Who may call an operation.
    enum Access {
        case open
        case viewer
        case admin
    }

    static func ref(_ schema: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(schema)")] }
    static func parameter(_ name: String) -> JSONValue { ["$ref": .string("#/components/parameters/\(name)")] }

    static func jsonContent(_ schema: JSONValue) -> JSONValue { ["application/json": ["schema": schema]] }

    /// One operation. `errors` are the statuses it can answer besides those its access adds
    /// (401 and 429 for viewer routes; also 403 for admin routes; 503 for every /api route).
    static func operation(
        _ summary: String, tag: String, access: Access, parameters: [JSONValue] = [], body: JSONValue? = nil, bodyRequired: Bool = true,
        status: Int = 200, response: JSONValue, description: String = "OK", errors: [Int] = []
    ) -> JSONValue {
        var fields: [String: JSONValue] = ["summary": .string(summary), "tags": [.string(tag)]]
        if !parameters.isEmpty { fields["parameters"] = .array(parameters) }
        if let body { fields["requestBody"] = ["required": .bool(bodyRequired), "content": jsonContent(body)] }
        var statuses = Set(errors)
        switch access {
        case .open:
            fields["security"] = []
        case .viewer:
            statuses.formUnion([401, 429, 503])
        case .admin:
            statuses.formUnion([401, 403, 429, 503])
        }
        if body != nil { statuses.formUnion([400, 413]) }
        // A path parameter of `.`, `..` or with an encoded `/` makes an ambiguous path: 400 invalid_path.
        if parameters.contains(where: { $0 == parameter("id") || $0 == parameter("cameraId") }) { statuses.insert(400) }
        var responses: [String: JSONValue] = [String(status): ["description": .string(description), "content": response]]
        for code in statuses.sorted() { responses[String(code)] = ["$ref": .string("#/components/responses/E\(code)")] }
        fields["responses"] = .object(responses)
        return .object(fields)
    }

    /// Error responses by status, each with the error shape and the codes it carries.
    static var errorResponses: JSONValue {
        let descriptions = [
            400: "Malformed JSON, or a body that is not a JSON object (malformed_json); a path with an empty or dot segment or an encoded /, \\ or . (invalid_path)", 401: "No API key, or a wrong, revoked or expired one",
            403: "A viewer key on an admin route", 404: "No such id (or route)",
            409: "A unique value is taken (hostname, mediamtxPath, hikResourceId)", 413: "The body is larger than LOOKOUT_API_MAX_BODY",
            422: "A field is missing, of the wrong type or out of range; `field` names it",
            426: "A plain GET of /ws: it answers only a WebSocket upgrade",
            429: "Too many failed API-key attempts from this address; see Retry-After", 500: "An unexpected failure (details in the log)",
            503: "PostgreSQL or Redis unreachable, or stream operations not configured here",
        ]
        var responses: [String: JSONValue] = [:]
        for (status, text) in descriptions {
            let codes = APIError.codes.filter { $0.status == status }.map(\.code).joined(separator: ", ")
            responses["E\(status)"] = ["description": .string("\(text). Codes: \(codes)"), "content": jsonContent(ref("Error"))]
        }
        return .object(responses)
    }

    static var parameters: JSONValue {
        [
            "id": ["name": "id", "in": "path", "required": true, "schema": id],
            "cameraId": ["name": "cameraId", "in": "path", "required": true, "schema": id],
            "page": ["name": "page", "in": "query", "schema": ["type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1]],
            "limit": ["name": "limit", "in": "query", "schema": ["type": "integer", "minimum": 1, "maximum": 500, "default": 50]],
            "status": ["name": "status", "in": "query", "schema": ["type": "string", "enum": ["online", "offline", "unknown"]]],
            "nvrId": ["name": "nvrId", "in": "query", "schema": id],
            "hours": [
                "name": "hours", "in": "query", "description": "uptime window", "schema": ["type": "integer", "minimum": 1, "maximum": 720, "default": 24],
            ],
            "sessionLimit": [
                "name": "limit", "in": "query", "description": "sessions listed (the uptime counts all)",
                "schema": ["type": "integer", "minimum": 1, "maximum": 1000, "default": 100],
            ],
        ]
    }
}
