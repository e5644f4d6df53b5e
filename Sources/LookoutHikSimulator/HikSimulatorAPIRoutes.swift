import HTTPTypes
import Hummingbird
import Logging
import LookoutCore

/// The OpenAPI paths the simulator serves, and the gate every API request passes first:
/// counting and the 5 req/s limit, injected 5xx, added latency, then the `Token` header.
struct HikSimulatorAPIRoutes: Sendable {
    let control: HikSimulatorControl
    let logger: Logger

    typealias Handler = @Sendable (HikSimulatorBody, HikCloudSimulator.Options) -> Response

    static let tokenHeader = HTTPField.Name("Token")!

    func register(on router: Router<BasicRequestContext>) {
        route(router, "/api/hccgw/platform/v1/token/get", authenticated: false, tokenGet)
        route(router, "/api/hccgw/resource/v1/areas/cameras/get", authenticated: true, cameras)
        // Served with the same payload; the reference calls this older path unreliable (§4c).
        route(router, "/api/hccgw/resource/v1/cameras/get", authenticated: true, cameras)
        route(router, "/api/hccgw/resource/v1/devices/get", authenticated: true, devices)
        route(router, "/api/hccgw/video/v1/live/address/get", authenticated: true, liveAddress)
        route(router, "/api/hccgw/resource/v1/device/capturePic", authenticated: true, capturePicture)
    }

    private func route(_ router: Router<BasicRequestContext>, _ path: String, authenticated: Bool, _ handler: @escaping Handler) {
        router.post(RouterPath(path)) { request, _ in
            try await serve(request, path: path, authenticated: authenticated, handler)
        }
    }

    private func serve(_ request: Request, path: String, authenticated: Bool, _ handler: Handler) async throws -> Response {
        let arrivalDelay = control.options.arrivalDelayMilliseconds
        if arrivalDelay > 0 { try await Task.sleep(for: .milliseconds(Int.random(in: 0...arrivalDelay))) }
        switch control.admit(path: path) {
        case .rateLimited(let code):
            logger.debug("Rate limit answered", metadata: ["lookout.hik.path": "\(path)"])
            return HikSimulatorReply.failure(code)
        case .fail(let status):
            return Response(
                status: .init(code: status), headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "simulated failure")))
        case .admitted(let latency):
            if latency > .zero { try await Task.sleep(for: latency) }
        }
        var request = request
        let options = control.options
        guard let body = HikSimulatorBody(try await request.collectBody(upTo: 1 << 20)) else {
            return HikSimulatorReply.failure(options.parameterErrorCode)
        }
        if authenticated {
            guard let token = request.headers[Self.tokenHeader], !token.isEmpty else { return authFailure("OPEN000007", options) }
            guard control.isValid(token: token, now: unixMillis() / 1000) else { return authFailure("OPEN000006", options) }
        }
        return handler(body, options)
    }

    func authFailure(_ errorCode: String, _ options: HikCloudSimulator.Options) -> Response {
        HikSimulatorReply.failure(errorCode, status: options.authFailuresAsHTTP401 ? .unauthorized : .ok)
    }

    /// `token/get` (§3): checks the keys, then issues or refreshes the account's token.
    func tokenGet(_ body: HikSimulatorBody, _ options: HikCloudSimulator.Options) -> Response {
        guard let appKey = body.string("appKey"), appKey == options.appKey else { return authFailure("OPEN000001", options) }
        guard let secretKey = body.string("secretKey"), !secretKey.isEmpty else { return authFailure("OPEN000010", options) }
        guard secretKey == options.secretKey else { return authFailure("OPEN300002", options) }
        let (token, expiresAt) = control.login(now: unixMillis() / 1000)
        let payload = HikSimulatorPayloads.Token(
            accessToken: token, expireTime: .number(expiresAt), userId: HikSimulatorInventory.hexID(options.seed, 0xACC0, 0),
            areaDomain: options.areaDomain ?? control.baseURL ?? "")
        return HikSimulatorReply.success(payload, numbersAsStrings: options.numbersAsStrings)
    }

    /// Reads `pageIndex` (from 1) and `pageSize` (1–500); nil when out of range.
    static func page(_ body: HikSimulatorBody, defaultSize: Int) -> (index: Int, size: Int)? {
        let index = body.int("pageIndex") ?? 1
        let size = body.int("pageSize") ?? defaultSize
        guard index >= 1, (1...500).contains(size) else { return nil }
        return (index, size)
    }

    /// The rows of one page: `pageIndex * pageSize` past the end gives an empty page.
    static func slice<T>(_ rows: [T], index: Int, size: Int) -> ArraySlice<T> {
        let start = min(rows.count, (index - 1) * size)
        return rows[start..<min(rows.count, start + size)]
    }
}
