import HTTPTypes
import Hummingbird
import NIOCore

/// The dashboard page at `/`: plain HTML, CSS and JavaScript embedded in the binary, no build
/// step. The page asks for a viewer key, follows `/ws` and plays cameras with hls.js (from its
/// CDN, falling back to native HLS). Open routes: the key stays in the browser.
struct DashboardRoutes: Sendable {
    let configuration: APIConfiguration

    func register(on router: RouteTable) {
        let page = DashboardPage.html(hlsScriptURL: configuration.hlsScriptURL, hlsScriptIntegrity: configuration.hlsScriptIntegrity)
        router.get("/", .open) { _, _ in Self.asset(page, type: "text/html; charset=utf-8") }
        router.get("/dashboard.js", .open) { _, _ in Self.asset(DashboardScript.source, type: "text/javascript; charset=utf-8") }
        router.get("/dashboard.css", .open) { _, _ in Self.asset(DashboardStyle.source, type: "text/css; charset=utf-8") }
    }

    /// `no-cache`: a browser revalidates, so a new binary's page is picked up at once.
    static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
