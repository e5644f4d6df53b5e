import Foundation

/// What each gateway publishes about itself in its Redis key (`gateway:{id}`, with a TTL), and
/// what `GET /api/stats` adds up across all of them.
struct GatewayStats: Codable, Sendable {
    var gateway: String
    var startedAt: Int64
    var nvrConnections: Int
    var dashboardClients: Int
    var nvrHostnames: [String]
}

struct StatsResponse: Codable, Sendable {
    struct Totals: Codable, Sendable {
        var gateways: Int
        var nvrConnections: Int
        var dashboardClients: Int
        var nvrHostnames: [String]
    }
    var total: Totals
    var gateways: [GatewayStats]
}
