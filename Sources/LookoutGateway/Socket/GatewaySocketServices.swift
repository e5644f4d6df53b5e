/// What every `/ws` socket's handler shares, as one object: a socket holds one reference to it,
/// not copies of the configuration and handlers (NVR sockets are the thousands).
final class GatewaySocketServices: Sendable {
    let configuration: GatewayConfiguration
    let nvrs: NVRSocketHandler
    let dashboards: DashboardSocketHandler

    init(configuration: GatewayConfiguration, nvrs: NVRSocketHandler, dashboards: DashboardSocketHandler) {
        self.configuration = configuration
        self.nvrs = nvrs
        self.dashboards = dashboards
    }
}
