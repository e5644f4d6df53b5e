public import Hummingbird
public import Logging

/// A MediaMTX v1.20 Control API double that follows `shared/reference/mediamtx-control-api.md`
/// §7: the contract's bodies (`{"status":"ok"}` / `{"status":"error","error":…}`, or the pre-1.15.5
/// forms), 400 on bad JSON, unknown fields, invalid names and sources, 404 `path not found` on
/// patch or delete of a missing path, replace as an upsert, merged effective configs, pagination,
/// Basic / `Bearer user:pass` auth with `WWW-Authenticate`, every change applied `applyDelay`
/// after its 200, and a source change dropping the path's readers.
///
/// Test controls, in Swift (below) and over HTTP under `/sim/` (``router()``):
/// - `POST /sim/readers/{path}` `{"count": N}`: N HLS readers on the path.
/// - `POST /sim/down` (every API call answers 503) and `POST /sim/up`.
/// - `POST /sim/auth` `{"user": "u", "pass": "p"}` requires Basic auth; `DELETE /sim/auth` opens it.
/// - `POST /sim/legacy` `{"enabled": true}`: pre-1.15.5 bodies.
/// - `GET /sim/state`: `{"paths": {name: source}, "requests": [...]}` (sources in clear: a test tool).
/// - `GET /sim/hls`: `{"requests": [{file, path, token, status}]}`, every HLS request.
/// Refusing connections is ``MediaMTXDoubleServer/stop()``.
///
/// It also serves HLS on the same port, guarded like MediaMTX with `authMethod: http`
/// (``Options/authHTTPAddress``): see `MediaMTXDouble+hls.swift`.
public final class MediaMTXDouble: Sendable {
    /// How the API answers while down.
    public enum DownMode: String, Sendable {
        /// 503 with a plain body, as a proxy in front of a stopped MediaMTX answers.
        case unavailable
    }

    public struct Options: Sendable {
        /// How long after its 200 a change shows in the GETs (MediaMTX: "validated and queued").
        public var applyDelay: Duration = .milliseconds(50)
        /// How long a recreated path stays unavailable.
        public var recreateDelay: Duration = .milliseconds(100)
        /// Paths configured at start (name → overrides), as if read from mediamtx.yml.
        public var paths: [String: [String: JSONValue]] = [:]
        /// MediaMTX's `authHTTPAddress` for HLS readers; nil: anyone may read.
        public var authHTTPAddress: String?
        public init() {}
    }

    public let options: Options
    let state: MediaMTXDoubleState
    let hlsSessions: DoubleHLSSessions
    let logger: Logger

    public init(options: Options = .init(), logger: Logger) {
        self.options = options
        self.state = MediaMTXDoubleState(paths: options.paths, applyDelay: options.applyDelay, recreateDelay: options.recreateDelay)
        self.hlsSessions = DoubleHLSSessions(authHTTPAddress: options.authHTTPAddress)
        self.logger = logger
    }

    /// Every route: the API, HLS and the `/sim/` controls.
    public func router() -> Router<DoubleRequestContext> {
        let router = Router(context: DoubleRequestContext.self)
        for method in [HTTPRequest.Method.get, .post, .patch, .delete, .put] {
            router.on("**", method: method) { request, context in
                let path = request.uri.path
                if method == .get, Self.isHLS(path) { return await self.hls(request, path: path, context: context) }
                return await self.respond(to: request)
            }
        }
        return router
    }

    // MARK: Test controls

    /// Sets `count` readers on a configured path; false when the path is not configured.
    @discardableResult
    public func setReaders(path: String, count: Int) async -> Bool {
        await state.setReaders(path, count: count)
    }

    /// The readers of a path now (a source change empties them).
    public func readerCount(path: String) async -> Int {
        await state.runtime[path]?.readers.count ?? 0
    }

    /// How many times applying a change recreated the path (each drops its readers).
    public func recreations(path: String) async -> Int {
        await state.runtime[path]?.recreations ?? 0
    }

    /// Down (every API call 503) or up (nil).
    public func setDown(_ mode: DownMode?) async {
        await state.setDown(mode)
    }

    /// Requires these credentials from now on; nil opens the API.
    public func requireCredentials(user: String, pass: String) async {
        await state.setCredentials((user, pass))
    }

    public func openAccess() async {
        await state.setCredentials(nil)
    }

    /// Pre-1.15.5 bodies: empty 200s, `{"error":…}` errors, 401 without a body.
    public func setLegacyBodies(_ enabled: Bool) async {
        await state.setLegacyBodies(enabled)
    }

    /// Applied path name → source (clear text: for assertions only).
    public func sources() async -> [String: String] {
        await state.applied.mapValues { $0["source"]?.string ?? "publisher" }
    }

    /// MediaMTX's `authHTTPAddress` from now on; nil: anyone may read.
    public func setAuthHTTPAddress(_ address: String?) async {
        await hlsSessions.setAuthHTTPAddress(address)
    }

    /// Every HLS request so far, with the `token` it carried and the status it got.
    public func hlsRequests() async -> [HLSRequest] {
        await hlsSessions.log
    }

    public typealias HLSRequest = DoubleHLSSessions.Entry

    /// Every API request so far as `METHOD /path`.
    public func requests() async -> [String] {
        await state.requests
    }

    /// A MediaMTX restart: API-made changes are lost; `paths` (what its file says) are loaded.
    public func restart(paths: [String: [String: JSONValue]] = [:]) async {
        await state.restart(paths: paths)
    }
}
