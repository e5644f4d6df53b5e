import Foundation
import Hummingbird
import Logging
import LookoutCore
import LookoutStore

/// `/api/apikey…`, admin only: list keys (never the keys themselves), create one (shown once, in
/// that response), revoke one. A revoked or expired key fails every request at once, and its open
/// dashboards are closed within about a second on every gateway (``APIKeyWatch``).
struct APIKeyRoutes: Sendable {
    let keys: PostgresAPIKeyRepository
    let configuration: APIConfiguration

    func register(on router: RouteTable) {
        router.get("/api/apikey", .admin) { _, _ in try JSONResponse.make(Success(KeyList(apiKeys: try await keys.list()))) }
        router.post("/api/apikey", .admin) { request, _ in try await create(request) }
        router.delete("/api/apikey/:id", .admin) { _, context in try await revoke(context) }
    }

    struct KeyList: Encodable, Sendable {
        let apiKeys: [APIKeyRecord]
    }

    /// Holds a key: sent once, with `Cache-Control: no-store` (set for every /api response).
    struct Created: Encodable, Sendable {
        let apiKey: APIKeyRecord
        let key: String
    }

    struct Revoked: Encodable, Sendable {
        let apiKey: APIKeyRecord
    }

    private func create(_ request: Request) async throws -> Response {
        let body = try await JSONBody.read(request, limit: configuration.maxBodySize)
        let name = try body.string("name", maxLength: 200, required: true) ?? ""
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw APIError.invalidField("name", "name must not be empty") }
        let roleName = try body.string("role", maxLength: 16, required: true) ?? ""
        guard let role = APIKeyRole(rawValue: roleName) else { throw APIError.invalidField("role", "role must be viewer or admin") }
        let now = unixMillis()
        // Unix milliseconds, in the future, at most ten years ahead.
        let expiresAt = try body.integer("expiresAt", in: (now + 1)...(now + 10 * 366 * 86_400_000))
        let (record, key) = try await keys.createKey(role: role, name: name, expiresAt: expiresAt)
        return try JSONResponse.make(Success(Created(apiKey: record, key: key)), status: .created)
    }

    private func revoke(_ context: GatewayRequestContext) async throws -> Response {
        let id = try routeID(context, what: "API key")
        guard let record = try await keys.revoke(id: id) else { throw APIError.notFound("no API key has id \(id)") }
        context.logger.info("API key revoked", metadata: ["lookout.api_key.id": "\(id)"])
        return try JSONResponse.make(Success(Revoked(apiKey: record)))
    }
}
