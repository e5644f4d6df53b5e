import Hummingbird
import Logging
import LookoutCore
import LookoutStore

/// `/api/camera…`: list (filter by status and NVR, paginated), read, create, change, delete,
/// the HLS URL to play (never the RTMP URL) and the latest snapshot.
struct CameraRoutes: Sendable {
    let cameras: PostgresCameraRepository
    let notifier: APINotifier
    let playback: PlaybackAuthorization
    let configuration: APIConfiguration

    func register(on router: RouteTable) {
        router.get("/api/camera", .viewer) { request, _ in try await list(request) }
        router.get("/api/camera/:id", .viewer) { _, context in try await get(context) }
        router.post("/api/camera", .admin) { request, _ in try await create(request) }
        router.put("/api/camera/:id", .admin) { request, context in try await update(request, context) }
        router.delete("/api/camera/:id", .admin) { _, context in try await delete(context) }
        router.get("/api/camera/:id/live", .viewer) { _, context in try await live(context) }
        router.get("/api/camera/:id/snapshot", .viewer) { _, context in try await snapshot(context) }
    }

    struct CameraList: Encodable, Sendable {
        let cameras: [CameraRecord]
        let pagination: PageInfo
    }

    struct OneCamera: Encodable, Sendable {
        let camera: CameraRecord
    }

    struct Live: Encodable, Sendable {
        /// The playlist with a credential for this path alone (`?token=`).
        let hlsUrl: String
        /// When the credential stops starting playback (Unix ms); ask again before.
        let expiresAt: Int64
        let cameraInfo: CameraRecord
    }

    struct Snapshot: Encodable, Sendable {
        let cameraId: Int64
        let snapshotUrl: String
        let snapshotAt: Int64
    }

    struct Deleted: Encodable, Sendable {
        let id: Int64
    }

    private func list(_ request: Request) async throws -> Response {
        let query = QueryParameters(request: request)
        let page = try query.page()
        let filter = CameraQuery(
            status: try query.status(), nvrId: try query.integer("nvrId", in: CameraInput.idRange), offset: page.offset, limit: page.limit)
        let (cameras, total) = try await cameras.list(filter)
        return try JSONResponse.make(Success(CameraList(cameras: cameras, pagination: page.info(total: total))))
    }

    private func get(_ context: GatewayRequestContext) async throws -> Response {
        try JSONResponse.make(Success(OneCamera(camera: try await camera(context))))
    }

    private func create(_ request: Request) async throws -> Response {
        let draft = try CameraInput.draft(try await JSONBody.read(request, limit: configuration.maxBodySize))
        let camera = try await cameras.create(draft)
        await notifier.nvrsChanged([camera.nvrId])
        return try JSONResponse.make(Success(OneCamera(camera: camera)), status: .created)
    }

    private func update(_ request: Request, _ context: GatewayRequestContext) async throws -> Response {
        let id = try routeID(context, what: "camera")
        let changes = try CameraInput.changes(try await JSONBody.read(request, limit: configuration.maxBodySize))
        let (camera, previous) = try await cameras.update(id: id, changes)
        await notifier.nvrsChanged([camera.nvrId, previous])
        return try JSONResponse.make(Success(OneCamera(camera: camera)))
    }

    private func delete(_ context: GatewayRequestContext) async throws -> Response {
        let id = try routeID(context, what: "camera")
        let nvrID = try await cameras.delete(id: id)
        await notifier.nvrsChanged([nvrID])
        return try JSONResponse.make(Success(Deleted(id: id)))
    }

    private func live(_ context: GatewayRequestContext) async throws -> Response {
        let camera = try await camera(context)
        guard let path = camera.mediamtxPath else { throw APIError.notFound("camera \(camera.id) is not published (it has no MediaMTX path)") }
        guard camera.enabled else { throw APIError.notFound("camera \(camera.id) is disabled") }
        // MediaMTX serves a path only with a source: none before the first renewal, and an
        // expired URL plays nothing. Renewal replaces it; ask again then.
        guard camera.hasStream, let expiresAt = camera.streamExpiresAt else {
            throw APIError.notFound("camera \(camera.id) has no stream yet (its first renewal has not succeeded)")
        }
        guard expiresAt > unixMillis() else {
            throw APIError.notFound("camera \(camera.id)'s stream URL expired at \(expiresAt) (Unix ms) and its renewal has not succeeded since")
        }
        // The route is a viewer route: authorization has set the caller's key id.
        guard let subject = context.apiKeyID else { throw APIError.unauthorized("an API key is required: Authorization: Bearer <key>") }
        let issued = try playback.issue(path: path, subject: subject)
        return try JSONResponse.make(
            Success(Live(hlsUrl: configuration.hlsURL(path: path, token: issued.token), expiresAt: issued.expiresAt, cameraInfo: camera)))
    }


    private func snapshot(_ context: GatewayRequestContext) async throws -> Response {
        let id = try routeID(context, what: "camera")
        guard let snapshot = try await cameras.snapshot(id: id) else { throw APIError.notFound("camera \(id) has no snapshot yet") }
        return try JSONResponse.make(Success(Snapshot(cameraId: id, snapshotUrl: snapshot.url, snapshotAt: snapshot.takenAt)))
    }

    private func camera(_ context: GatewayRequestContext) async throws -> CameraRecord {
        let id = try routeID(context, what: "camera")
        guard let camera = try await cameras.camera(id: id) else { throw APIError.notFound("no camera has id \(id)") }
        return camera
    }
}
