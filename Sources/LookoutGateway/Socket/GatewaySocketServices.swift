/// What every `/ws` socket's handler shares, as one object: a socket holds one reference to it,
/// not copies of the configuration and handlers (NVR sockets are the thousands).
final class GatewaySocketServices: Sendable {
    let configuration: GatewayConfiguration
    let nvrs: NVRSocketHandler
    let dashboards: DashboardSocketHandler
    /// Failed authentications per client address, shared with the HTTP API.
    let failedAuth: FailedAuthLimiter
    /// Open connections, in all and per address.
    let connections: ConnectionLimiter

    init(
        configuration: GatewayConfiguration, nvrs: NVRSocketHandler, dashboards: DashboardSocketHandler, failedAuth: FailedAuthLimiter,
        connections: ConnectionLimiter
    ) {
        self.configuration = configuration
        self.nvrs = nvrs
        self.dashboards = dashboards
        self.failedAuth = failedAuth
        self.connections = connections
    }
}
