import Hummingbird
import Logging
import LookoutCore
import LookoutStore

/// `/api/alerts…`: the stored alerts (``PostgresAlertRepository``), newest first with the open
/// ones on top, and acknowledging one. Acknowledging is open to viewer keys: the operator
/// watching the dashboard (which holds a viewer key) is the one who acknowledges, and it changes
/// nothing but the record of who (the key's name and id) and when. Idempotent: the first
/// acknowledgement stays.
struct AlertRoutes: Sendable {
    let alerts: PostgresAlertRepository

    func register(on router: RouteTable) {
        router.get("/api/alerts", .viewer) { request, _ in try await list(request) }
        router.post("/api/alerts/:id/ack", .viewer) { _, context in try await acknowledge(context) }
    }

    struct AlertList: Encodable, Sendable {
        let alerts: [AlertRecord]
        let pagination: PageInfo
    }

    struct OneAlert: Encodable, Sendable {
        let alert: AlertRecord
    }

    private func list(_ request: Request) async throws -> Response {
        let query = QueryParameters(request: request)
        let page = try query.page()
        let parameters = request.uri.queryParameters
        var state = AlertState.all
        if let text = parameters.get("state") {
            guard let parsed = AlertState(rawValue: text) else { throw APIError.invalidField("state", "state must be open, recovered or all") }
            state = parsed
        }
        var kind: AlertKind?
        if let text = parameters.get("kind") {
            guard let parsed = AlertKind(rawValue: text) else {
                throw APIError.invalidField("kind", "kind must be one of \(AlertKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kind = parsed
        }
        let (records, total) = try await alerts.list(state: state, kind: kind, offset: page.offset, limit: page.limit)
        return try JSONResponse.make(Success(AlertList(alerts: records, pagination: page.info(total: total))))
    }

    private func acknowledge(_ context: GatewayRequestContext) async throws -> Response {
        let id = try routeID(context, what: "alert")
        let fallback = context.apiKeyID.map { "API key \($0)" } ?? "unknown"
        guard let record = try await alerts.acknowledge(id: id, keyID: context.apiKeyID, by: fallback) else {
            throw APIError.notFound("no alert has id \(id)")
        }
        context.logger.info("Alert acknowledged", metadata: ["lookout.alert.id": "\(id)", "lookout.api_key.id": "\(context.apiKeyID.map(String.init) ?? "-")"])
        return try JSONResponse.make(Success(OneAlert(alert: record)))
    }
}
