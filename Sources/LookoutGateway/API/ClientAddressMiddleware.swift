import HTTPTypes
import Hummingbird

/// Sets ``GatewayRequestContext/clientAddress`` from the peer and, from a trusted proxy,
/// `X-Forwarded-For` (``ClientAddress``). Added before every other middleware, so the API key
/// check's failed-auth limit counts the same address `/ws` does.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let clientAddress: ClientAddress

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !clientAddress.trustedProxies.isEmpty else { return try await next(request, context) }
        var context = context
        context.clientAddress = clientAddress.resolve(peer: context.remoteAddress, forwardedFor: request.headers[values: .xForwardedFor])
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
