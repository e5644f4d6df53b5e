import HTTPTypes
import Logging
import Hummingbird
import LookoutCore
import LookoutStore

/// `/api/nvr…`: list, read, register (its token is in that one response), change, delete, rotate
/// the token, and the session history with uptime. Rotating, deleting or renaming closes the
/// NVR's live connection with 4006 on whichever gateway holds it (``GatewayControl``).
struct NVRRoutes: Sendable {
    let nvrs: PostgresNVRRepository
    let sessions: PostgresSessionHistory
    let notifier: APINotifier
    let metrics: HTTPMetrics
    let configuration: APIConfiguration

    func register(on router: RouteTable) {
        router.get("/api/nvr", .viewer) { request, _ in try await list(request) }
        router.get("/api/nvr/:id", .viewer) { _, context in try await get(context) }
        router.post("/api/nvr", .admin) { request, _ in try await create(request) }
        router.put("/api/nvr/:id", .admin) { request, context in try await update(request, context) }
        router.delete("/api/nvr/:id", .admin) { _, context in try await delete(context) }
        router.post("/api/nvr/:id/token", .admin) { _, context in try await rotate(context) }
        router.get("/api/nvr/:id/sessions", .viewer) { request, context in try await history(request, context) }
    }

    struct NVRList: Encodable, Sendable {
        let nvrs: [NVRState]
        let pagination: PageInfo
    }

    struct OneNVR: Encodable, Sendable {
        let nvr: NVRState
    }

    /// Holds a token: sent once, with `Cache-Control: no-store` (set for every /api response).
    struct Created: Encodable, Sendable {
        let nvr: NVRState
        let token: String
    }

    struct Rotated: Encodable, Sendable {
        let nvrId: Int64
        let token: String
        /// Whether the request to close its live connection reached Redis.
        let disconnectRequested: Bool
    }

    struct Deleted: Encodable, Sendable {
        let id: Int64
    }

    struct History: Encodable, Sendable {
        let nvrId: Int64
        let hours: Int
        let uptime: NVRUptime
        let sessions: [NVRSessionRecord]
    }

    private func list(_ request: Request) async throws -> Response {
        let query = QueryParameters(request: request)
        let page = try query.page()
        let (states, total) = try await nvrs.list(status: try query.status(), offset: page.offset, limit: page.limit)
        return try JSONResponse.make(Success(NVRList(nvrs: states, pagination: page.info(total: total))))
    }

    private func get(_ context: GatewayRequestContext) async throws -> Response {
        let id = try routeID(context, what: "NVR")
        guard let state = try await nvrs.states(ids: [id]).first else { throw APIError.notFound("no NVR has id \(id)") }
        return try JSONResponse.make(Success(OneNVR(nvr: state)))
    }

    private func create(_ request: Request) async throws -> Response {
        let body = try await JSONBody.read(request, limit: configuration.maxBodySize)
        let hostname = try NVRInput.hostname(body, required: true) ?? ""
        let name = try body.string("name", maxLength: 200) ?? ""
        let cameras = Int(try body.integer("cameras", in: 0...64) ?? 0)
        let hostnameOnly = try body.bool("hostnameOnlyAuth") ?? false
        let (state, token) = try await nvrs.create(hostname: hostname, name: name, cameraCount: cameras, hostnameOnlyAuth: hostnameOnly)
        await notifier.nvrsChanged([state.id])
        return try JSONResponse.make(Success(Created(nvr: state, token: token)), status: .created)
    }

    private func update(_ request: Request, _ context: GatewayRequestContext) async throws -> Response {
        let id = try routeID(context, what: "NVR")
        let body = try await JSONBody.read(request, limit: configuration.maxBodySize)
        let hostname = try NVRInput.hostname(body, required: false)
        let name = try body.string("name", maxLength: 200)
        let hostnameOnly = try body.bool("hostnameOnlyAuth")
        guard hostname != nil || name != nil || hostnameOnly != nil else {
            throw APIError.invalidField("body", "give hostname, name, hostnameOnlyAuth or several")
        }
        let (state, previous) = try await nvrs.update(id: id, hostname: hostname, name: name, hostnameOnlyAuth: hostnameOnly)
        if previous != state.hostname {
            // The agent authenticates as the old hostname: its connection means nothing now.
            metrics.revocation()
            _ = await notifier.revoke(hostname: previous, reason: "renamed")
        } else if hostnameOnly == false {
            // It may have connected without a token; from now on it needs one.
            metrics.revocation()
            _ = await notifier.revoke(hostname: previous, reason: "hostname_only_auth_off")
        }
        await notifier.nvrsChanged([id])
        return try JSONResponse.make(Success(OneNVR(nvr: state)))
    }

    private func delete(_ context: GatewayRequestContext) async throws -> Response {
        let id = try routeID(context, what: "NVR")
        let hostname = try await nvrs.delete(id: id)
        metrics.revocation()
        _ = await notifier.revoke(hostname: hostname, reason: "deleted")
        await notifier.nvrRemoved(id: id, hostname: hostname)
        return try JSONResponse.make(Success(Deleted(id: id)))
    }

    private func rotate(_ context: GatewayRequestContext) async throws -> Response {
        let id = try routeID(context, what: "NVR")
        let token = try await nvrs.rotateToken(id: id)
        metrics.revocation()
        // The new hash is committed, so the old token fails every new auth; this closes the
        // connection that authenticated with it.
        let hostname = try? await nvrs.hostname(id: id)
        let requested = if let hostname { await notifier.revoke(hostname: hostname, reason: "token_rotated") } else { false }
        context.logger.info("NVR token rotated", metadata: ["lookout.nvr.id": "\(id)"])
        return try JSONResponse.make(Success(Rotated(nvrId: id, token: token, disconnectRequested: requested)))
    }

    private func history(_ request: Request, _ context: GatewayRequestContext) async throws -> Response {
        let id = try routeID(context, what: "NVR")
        let query = QueryParameters(request: request)
        let hours = Int(try query.integer("hours", in: 1...720) ?? 24)
        let limit = Int(try query.integer("limit", in: 1...1000) ?? 100)
        let (records, uptime) = try await sessions.history(nvrID: id, hours: hours, limit: limit)
        return try JSONResponse.make(Success(History(nvrId: id, hours: hours, uptime: uptime, sessions: records)))
    }
}
