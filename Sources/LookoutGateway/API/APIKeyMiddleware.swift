import Foundation
import HTTPTypes
import Hummingbird
import Logging
import LookoutCore
import LookoutStore

/// `Authorization: Bearer <key>` on every `/api` route: viewers read (GET, HEAD), admins also
/// write. 401 without a key or with a wrong or revoked one, 403 for a viewer writing, 429 for an
/// address with too many wrong keys in the last minute. Other paths pass untouched.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let apiKeys: PostgresAPIKeyRepository
    let limiter: FailedAuthLimiter
    let metrics: HTTPMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path == "/api" || path.hasPrefix("/api/") else { return try await next(request, context) }
        let address = context.clientAddress
        if let seconds = limiter.retryAfter(address) { throw APIError.rateLimited(retryAfter: seconds) }
        guard let key = Self.bearerKey(request.headers[.authorization]) else {
            throw APIError.unauthorized("an API key is required: Authorization: Bearer <key>")
        }
        guard let role = try await apiKeys.role(forKey: key) else {
            limiter.recordFailure(address)
            metrics.authFailure()
            context.logger.notice("API key refused", metadata: ["lookout.http.client": "\(address)"])
            throw APIError.unauthorized("the API key is not valid")
        }
        let reads = request.method == .get || request.method == .head
        guard reads || role == .admin else { throw APIError.forbidden("this API key may only read; \(request.method.rawValue) needs an admin key") }
        var context = context
        context.role = role
        context.logger[metadataKey: "lookout.api_key.role"] = "\(role.rawValue)"
        return try await next(request, context)
    }

    /// The key of `Bearer <key>` (scheme case-insensitive), or nil.
    static func bearerKey(_ header: String?) -> String? {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        let key = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return key.isEmpty ? nil : key
    }
}
