import HTTPTypes
import Hummingbird

/// Security headers on every response: no MIME sniffing, no framing, no referrer, and a
/// Content-Security-Policy that lets the dashboard run its own script, load hls.js from its CDN
/// and play from MediaMTX's HLS origin, and nothing else. API responses are never cached.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let contentSecurityPolicy: String

    init(configuration: APIConfiguration) {
        contentSecurityPolicy = Self.policy(hlsOrigin: configuration.hlsOrigin, scriptOrigin: configuration.hlsScriptOrigin)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.frameOptions] = "DENY"
        response.headers[Self.referrerPolicy] = "no-referrer"
        response.headers[.contentSecurityPolicy] = contentSecurityPolicy
        if request.uri.path.hasPrefix("/api/") { response.headers[.cacheControl] = "no-store" }
        return response
    }

    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    static func policy(hlsOrigin: String?, scriptOrigin: String?) -> String {
        let hls = hlsOrigin.map { " " + $0 } ?? ""
        let script = scriptOrigin.map { " " + $0 } ?? ""
        return [
            "default-src 'none'", "script-src 'self'\(script)", "style-src 'self'", "img-src 'self' data:",
            "connect-src 'self'\(hls)", "media-src 'self' blob:\(hls)", "worker-src 'self' blob:", "frame-ancestors 'none'",
            "base-uri 'none'", "form-action 'none'",
        ].joined(separator: "; ")
    }
}
