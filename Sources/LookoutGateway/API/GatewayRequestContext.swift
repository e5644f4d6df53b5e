public import Hummingbird
public import LookoutCore
public import NIOCore

/// The request context of every gateway route: HTTP API, dashboard page and a plain GET of `/ws`. Carries the
/// client's address (failed-auth limits) and, on `/api` routes, the role of the caller's API key
/// once ``RouteAuthorizationMiddleware`` checked it.
public struct GatewayRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// Set by ``RouteAuthorizationMiddleware`` on viewer and admin routes.
    public var role: APIKeyRole?
    /// The id of the caller's API key, set with ``role``.
    public var apiKeyID: Int64?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        clientAddress = remoteAddress?.ipAddress ?? "unknown"
    }

    /// The client's IP address: the socket's peer, or, when that is a trusted proxy, the
    /// address it forwards (set by ``ClientAddressMiddleware`` with ``ClientAddress``, the same
    /// answer `/ws` uses). "unknown" in router tests.
    var clientAddress: String
}
