import Foundation
import Hummingbird
import LookoutCore
import LookoutRedis
import NIOFoundationCompat
import PostgresNIO

/// `/healthz`, `/readyz` and `/api/stats`.
struct GatewayRoutes: Sendable {
    let redis: RedisClient
    let postgres: PostgresClient
    let keys: RedisKeys
    /// Whether the gateway is draining to stop: `/readyz` then answers 503 `draining`.
    var draining: @Sendable () -> Bool = { false }

    func register(on router: RouteTable) {
        router.get("/healthz", .open) { _, _ in ["status": "ok"] }
        router.get("/readyz", .open) { _, _ in try await ready() }
        router.get("/api/stats", .viewer) { _, _ in try await stats() }
    }

    /// 200 when Redis and PostgreSQL answer, else 503 naming the one that did not; 503
    /// `draining` from the start of a graceful shutdown, so load balancers send no one new here.
    private func ready() async throws -> Response {
        if draining() {
            return Response(
                status: .serviceUnavailable, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"draining"}"#)))
        }
        var failing: [String] = []
        do { try await redis.ping() } catch { failing.append("redis") }
        do { _ = try await postgres.query("SELECT 1", logger: .init(label: "lookout.readyz")).collect() } catch { failing.append("postgres") }
        let body = failing.isEmpty ? #"{"status":"ready"}"# : #"{"status":"unavailable","failing":["\#(failing.joined(separator: #"",""#))"]}"#
        return Response(
            status: failing.isEmpty ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// Every live gateway's own key, added up.
    private func stats() async throws -> Response {
        var gateways: [GatewayStats] = []
        var cursor = "0"
        repeat {
            let reply = try await redis.send(RedisCommand("SCAN", [cursor, "MATCH", keys.gateway("*"), "COUNT", "1000"]))
            guard let parts = reply.array, parts.count == 2 else { break }
            cursor = parts[0].string ?? "0"
            let names = (parts[1].array ?? []).compactMap(\.string)
            if !names.isEmpty {
                for value in try await redis.pipeline(names.map { RedisCommand.get($0) }) {
                    if let json = value.string, let stats = try? JSONDecoder().decode(GatewayStats.self, from: Data(json.utf8)) {
                        gateways.append(stats)
                    }
                }
            }
        } while cursor != "0"
        gateways.sort { $0.gateway < $1.gateway }
        let total = StatsResponse.Totals(
            gateways: gateways.count, nvrConnections: gateways.reduce(0) { $0 + $1.nvrConnections },
            dashboardClients: gateways.reduce(0) { $0 + $1.dashboardClients }, nvrHostnames: Set(gateways.flatMap(\.nvrHostnames)).sorted())
        let data = try JSONEncoder.lookout.encode(StatsResponse(total: total, gateways: gateways))
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: data)))
    }
}
