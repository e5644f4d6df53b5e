import HTTPTypes
import Hummingbird

/// CORS for the origins in `LOOKOUT_CORS_ORIGINS` (`*`: any). A preflight (`OPTIONS` with
/// `Access-Control-Request-Method`) is answered here with 204, before authentication; a
/// disallowed origin gets no `Access-Control-Allow-Origin`, so the browser blocks it.
struct CORSPolicyMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let origins: [String]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        let allowed = allowedOrigin(origin)
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            var headers: HTTPFields = [.vary: "Origin"]
            if let allowed {
                headers[.accessControlAllowOrigin] = allowed
                headers[.accessControlAllowMethods] = "GET, POST, PUT, DELETE, OPTIONS"
                headers[.accessControlAllowHeaders] = "Authorization, Content-Type"
                headers[.accessControlMaxAge] = "600"
            }
            return Response(status: .noContent, headers: headers)
        }
        var response = try await next(request, context)
        if let allowed {
            response.headers[.accessControlAllowOrigin] = allowed
            response.headers[.accessControlExposeHeaders] = "Retry-After"
        }
        response.headers[.vary] = "Origin"
        return response
    }

    func allowedOrigin(_ origin: String) -> String? {
        if origins.contains("*") { return "*" }
        return origins.contains(origin) ? origin : nil
    }
}
