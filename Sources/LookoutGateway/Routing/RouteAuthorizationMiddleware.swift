import Foundation
import HTTPTypes
import Hummingbird
import Logging
import LookoutCore
import LookoutStore

/// Authorization on the route that matched, deny by default.
///
/// The router has already resolved the request when this runs; its `endpointPath` and the
/// request's method name the route, and ``RouteTable`` says what that route declared. A route
/// without a declaration is refused (403, logged as an error: it is a programming mistake that a
/// test catches). Open routes pass; viewer and admin routes need `Authorization: Bearer <key>`:
/// 401 without a key or with a wrong, revoked or expired one, 403 when the key's role is too low,
/// 429 for an address with too many wrong keys in the last minute. A request no route matched
/// passes on to the router's 404.
struct RouteAuthorizationMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let routes: RouteRules
    let apiKeys: APIKeyAuthenticator
    let limiter: FailedAuthLimiter
    let metrics: HTTPMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The router sets "NotFound" (or nothing) when no route matched: its 404 follows.
        guard let endpoint = context.endpointPath, endpoint != "NotFound" else { return try await next(request, context) }
        guard let access = routes.access(method: request.method, endpointPath: endpoint) else {
            context.logger.error("Route has no declared access; refused", metadata: ["lookout.http.route": "\(request.method) \(endpoint)"])
            throw APIError.forbidden("this route is not available")
        }
        guard access != .open else { return try await next(request, context) }
        let key = try await authenticate(request, context: context)
        let role = key.role
        guard access.admits(role) else {
            throw APIError.forbidden("this API key is a \(role.rawValue) key; \(request.method.rawValue) \(endpoint) needs an \(access.rawValue) key")
        }
        var context = context
        context.role = role
        context.apiKeyID = key.id
        context.logger[metadataKey: "lookout.api_key.role"] = "\(role.rawValue)"
        return try await next(request, context)
    }

    private func authenticate(_ request: Request, context: Context) async throws -> APIKeyIdentity {
        let address = context.clientAddress
        if let seconds = limiter.retryAfter(address) { throw APIError.rateLimited(retryAfter: seconds) }
        guard let key = Self.bearerKey(request.headers[.authorization]) else {
            throw APIError.unauthorized("an API key is required: Authorization: Bearer <key>")
        }
        guard let identity = try await apiKeys.identity(forKey: key) else {
            limiter.recordFailure(address)
            metrics.authFailure()
            context.logger.notice("API key refused", metadata: ["lookout.http.client": "\(address)"])
            throw APIError.unauthorized("the API key is not valid")
        }
        return identity
    }

    /// The key of `Bearer <key>` (scheme case-insensitive), or nil.
    static func bearerKey(_ header: String?) -> String? {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        let key = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return key.isEmpty ? nil : key
    }
}
