import Hummingbird
import Logging
import NIOCore

/// `POST /mediamtx/auth`: MediaMTX's `authHTTPAddress` (`authMethod: http`). MediaMTX calls it
/// for every action it has not excluded; 204 allows, 401 refuses. Open (MediaMTX sends no API
/// key) and it reveals nothing: every refusal is the same empty 401, whatever the reason.
struct PlaybackAuthRoutes: Sendable {
    let playback: PlaybackAuthorization
    let configuration: APIConfiguration

    func register(on router: RouteTable) {
        router.post("/mediamtx/auth", .open) { request, context in try await authorize(request, context) }
    }

    private func authorize(_ request: Request, _ context: GatewayRequestContext) async throws -> Response {
        let body: JSONBody
        do {
            body = try await JSONBody.read(request, limit: min(configuration.maxBodySize, 16 * 1024))
        } catch {
            return Response(status: .unauthorized)
        }
        func text(_ name: String) -> String {
            if case .string(let value) = body.fields[name] { value } else { "" }
        }
        let asked = PlaybackAuthorization.Request(
            action: text("action"), path: text("path"), query: text("query"), token: text("token"), password: text("password"), ip: text("ip"))
        let allowed = await playback.allows(asked, logger: context.logger)
        return Response(status: allowed ? .noContent : .unauthorized)
    }
}
