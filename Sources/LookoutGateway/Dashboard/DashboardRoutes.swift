import HTTPTypes
import Hummingbird
import NIOCore

/// The dashboard page at `/`: plain HTML, CSS and JavaScript files (`Dashboard/Assets`, compiled
/// into the binary as SwiftPM resources), no build step. The page asks for a viewer key, follows `/ws` and plays cameras with hls.js (from its
/// CDN, falling back to native HLS). Open routes: the key stays in the browser.
struct DashboardRoutes: Sendable {
    let configuration: APIConfiguration

    func register(on router: RouteTable) {
        let page = DashboardPage.html(hlsScriptURL: configuration.hlsScriptURL, hlsScriptIntegrity: configuration.hlsScriptIntegrity)
        router.get("/", .open) { _, _ in Self.asset(page, type: "text/html; charset=utf-8") }
        let script = String(decoding: PackageResources.dashboard_js, as: UTF8.self)
        let style = String(decoding: PackageResources.dashboard_css, as: UTF8.self)
        router.get("/dashboard.js", .open) { _, _ in Self.asset(script, type: "text/javascript; charset=utf-8") }
        router.get("/dashboard.css", .open) { _, _ in Self.asset(style, type: "text/css; charset=utf-8") }
    }

    /// `no-cache`: a browser revalidates, so a new binary's page is picked up at once.
    static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
