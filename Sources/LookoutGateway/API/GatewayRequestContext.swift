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

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address as the socket sees it ("unknown" in router tests). A proxy in
    /// front of the gateway makes every client look the same: limit failed auth there instead.
    var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}
