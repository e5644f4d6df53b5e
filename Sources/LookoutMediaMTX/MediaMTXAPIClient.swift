public import AsyncHTTPClient
import Foundation
public import Logging
import LookoutCore
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The MediaMTX Control API v3 (`shared/reference/mediamtx-control-api.md`), for the paths Lookout
/// manages: set a path's source (patch, or add when the path is missing), confirm it, delete a
/// path, read a live path's readers.
///
/// Every failure is a ``MediaMTXAPIError``: `.unauthorized` (401), `.badRequest` (400, with
/// MediaMTX's text), `.unreachable` (no answer, 502/503/504: retry later), `.notConfirmed`.
/// Both response forms are accepted: `{"status":"ok"}` / `{"status":"error","error":…}` (v1.15.5+)
/// and the older empty body / `{"error":…}`. Requests and logs name paths, never source URLs.
public struct MediaMTXAPIClient: Sendable {
    public struct Configuration: Sendable {
        /// e.g. `http://127.0.0.1:9997`.
        public var baseURL: String
        /// Basic auth; nil sends no credentials (the default config opens the API to localhost).
        public var username: String?
        public var password: String?
        /// Per request, connect included.
        public var requestTimeout: Duration = .seconds(5)
        /// How long a change may take to show after its 200 (MediaMTX applies it after answering).
        public var confirmTimeout: Duration = .seconds(5)
        /// How often the path's config is read while confirming.
        public var confirmInterval: Duration = .milliseconds(50)

        public init(baseURL: String, username: String? = nil, password: String? = nil) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.username = username
            self.password = password
        }
    }

    public let configuration: Configuration
    let httpClient: HTTPClient
    let logger: Logger

    public init(configuration: Configuration, httpClient: HTTPClient = .shared, logger: Logger) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
    }

    /// A decoded response: status and JSON body (nil when empty).
    struct Reply {
        let status: Int
        let json: Any?

        /// MediaMTX's error text, from either response form.
        var errorText: String {
            (json as? [String: Any])?["error"] as? String ?? "HTTP \(status)"
        }
    }

    /// Sends one request; throws `.unreachable` when there is no HTTP answer, `.unauthorized` on
    /// 401, `.unreachable` on 502/503/504. Other statuses are returned for the caller to judge.
    func send(_ method: HTTPMethod, _ route: String, json body: [String: Any]? = nil, path: String? = nil) async throws(MediaMTXAPIError) -> Reply {
        var request = HTTPClientRequest(url: configuration.baseURL + route)
        request.method = method
        if let username = configuration.username {
            request.setBasicAuth(username: username, password: configuration.password ?? "")
        }
        if let body, let data = try? JSONSerialization.data(withJSONObject: body) {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: data))
        }
        let status: Int
        let bytes: ByteBuffer
        do {
            let response = try await httpClient.execute(request, timeout: .milliseconds(configuration.requestTimeout.inMilliseconds))
            status = Int(response.status.code)
            bytes = try await response.body.collect(upTo: 10 << 20)
        } catch {
            if Task.isCancelled { throw MediaMTXAPIError(.cancelled, path: path, "\(method) \(route) cancelled") }
            throw MediaMTXAPIError(.unreachable, path: path, "\(method) \(configuration.baseURL): \(error)")
        }
        let json = bytes.readableBytes == 0 ? nil : try? JSONSerialization.jsonObject(with: Data(buffer: bytes))
        let reply = Reply(status: status, json: json)
        logger.trace("MediaMTX API call", metadata: ["lookout.mediamtx.route": "\(method) \(route)", "lookout.mediamtx.status": "\(status)"])
        switch status {
        case 401: throw MediaMTXAPIError(.unauthorized, status: status, path: path, reply.errorText)
        case 502, 503, 504: throw MediaMTXAPIError(.unreachable, status: status, path: path, reply.errorText)
        default: return reply
        }
    }

    /// Throws the contract's error for a reply that is not 200.
    func expectOK(_ reply: Reply, path: String?) throws(MediaMTXAPIError) {
        switch reply.status {
        case 200: return
        case 400: throw MediaMTXAPIError(.badRequest, status: 400, path: path, reply.errorText)
        case 404: throw MediaMTXAPIError(.notFound, status: 404, path: path, reply.errorText)
        default: throw MediaMTXAPIError(.unexpectedResponse, status: reply.status, path: path, reply.errorText)
        }
    }
}
