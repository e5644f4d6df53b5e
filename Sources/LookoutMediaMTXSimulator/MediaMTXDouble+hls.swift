import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The HLS server of the double, with MediaMTX v1.20's answers (`internal/servers/hls/
/// http_server.go`, gohlslib's playlists): `GET /<path>/index.m3u8` first redirects (302) to add
/// `cookieCheck=1`, then asks the configured `authHTTPAddress` as MediaMTX does (a POST with
/// ip, user, password, token, action `read`, path, protocol `hls`, id, query, userAgent; 2xx
/// allows) and opens a session; its playlists carry the request's query plus `session=` to the
/// media playlist and the segments, which need that session (same client address) and are not
/// asked about again. Refusals: 401 `{"status":"error","error":"authentication error"}`, with
/// `WWW-Authenticate: Basic realm="mediamtx"` when the request had no credentials in a header;
/// an unconfigured path 500 `path '…' is not configured`. No auth address: everyone may read
/// (MediaMTX's default). Differences: no cookies (the session travels in the query), the
/// segments are a few fake bytes.
/// Every answer carries `Access-Control-Allow-Origin: *` (`hlsAllowOrigins: ["*"]`).
extension MediaMTXDouble {
    static let hlsExtensions = [".m3u8", ".mp4", ".ts"]

    static func isHLS(_ path: String) -> Bool {
        !path.hasPrefix("/v3/") && hlsExtensions.contains { path.hasSuffix($0) }
    }

    func hls(_ request: Request, path rawPath: String, context: some RequestContext & RemoteAddressRequestContext) async -> Response {
        let components = rawPath.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        guard components.count >= 2 else { return hlsError(404, "not found") }
        let name = components.dropLast().joined(separator: "/")
        let file = String(components.last!)
        var query = URLComponents(string: request.uri.description)?.queryItems ?? []
        let ip = context.remoteAddress?.ipAddress ?? "127.0.0.1"
        let token = query.first { $0.name == "token" }?.value
        var response: Response
        if file == "index.m3u8" {
            response = await multivariant(request, name: name, query: &query, ip: ip)
        } else {
            response = await media(file: file, name: name, query: query, ip: ip)
        }
        // `hlsAllowOrigins: ["*"]` (handler_origin.go): every answer, so hls.js on another origin reads it.
        response.headers[.accessControlAllowOrigin] = "*"
        await hlsSessions.record(.init(file: file, path: name, token: token, status: Int(response.status.code)))
        return response
    }

    private func multivariant(_ request: Request, name: String, query: inout [URLQueryItem], ip: String) async -> Response {
        guard query.contains(where: { $0.name == "cookieCheck" && $0.value == "1" }) else {
            query.append(URLQueryItem(name: "cookieCheck", value: "1"))
            var headers: HTTPFields = [.location: "/\(name)/index.m3u8?\(Self.encode(query))"]
            headers[.setCookie] = "cookieCheck=1"
            return Response(status: .found, headers: headers)
        }
        query.removeAll { $0.name == "cookieCheck" }
        guard await state.isConfigured(name) else { return hlsError(500, "path '\(name)' is not configured") }
        let credentials = Self.credentials(request.headers[.authorization])
        if let address = await hlsSessions.authHTTPAddress {
            let allowed = await askAuth(
                address: address,
                [
                    "ip": ip, "user": credentials.user, "password": credentials.pass, "token": credentials.token, "action": "read",
                    "path": name, "protocol": "hls", "id": UUID().uuidString.lowercased(), "query": Self.encode(query),
                    "userAgent": request.headers[.userAgent] ?? "",
                ])
            guard allowed else {
                var response = hlsError(401, "authentication error")
                if credentials.user.isEmpty && credentials.pass.isEmpty && credentials.token.isEmpty {
                    response.headers[.wwwAuthenticate] = #"Basic realm="mediamtx""#
                }
                return response
            }
        }
        let secret = await hlsSessions.open(path: name, ip: ip)
        query.append(URLQueryItem(name: "session", value: secret))
        let playlist = """
            #EXTM3U
            #EXT-X-VERSION:9
            #EXT-X-INDEPENDENT-SEGMENTS

            #EXT-X-STREAM-INF:BANDWIDTH=200000,AVERAGE-BANDWIDTH=200000,CODECS="avc1.42c01e",RESOLUTION=320x240,FRAME-RATE=25.000
            main_stream.m3u8?\(Self.encode(query))

            """
        return Self.body(playlist, type: "application/vnd.apple.mpegurl")
    }

    private func media(file: String, name: String, query: [URLQueryItem], ip: String) async -> Response {
        guard let secret = query.first(where: { $0.name == "session" })?.value, await hlsSessions.find(secret: secret, path: name, ip: ip) else {
            return hlsError(401, "authentication error")
        }
        let rest = Self.encode(query.filter { !$0.name.hasPrefix("_HLS_") })
        switch file {
        case "main_stream.m3u8":
            let playlist = """
                #EXTM3U
                #EXT-X-VERSION:9
                #EXT-X-TARGETDURATION:1
                #EXT-X-MEDIA-SEQUENCE:0
                #EXT-X-MAP:URI="double_main_init.mp4?\(rest)"
                #EXTINF:1.00000,
                double_main_seg0.mp4?\(rest)
                #EXTINF:1.00000,
                double_main_seg1.mp4?\(rest)

                """
            return Self.body(playlist, type: "application/vnd.apple.mpegurl")
        case "double_main_init.mp4", "double_main_seg0.mp4", "double_main_seg1.mp4":
            return Self.body("fake fMP4 \(file)", type: "video/mp4")
        default:
            return hlsError(404, "not found")
        }
    }

    /// POSTs the request to the auth address the way `authenticateHTTP` does; 2xx allows.
    private func askAuth(address: String, _ fields: [String: String]) async -> Bool {
        var request = HTTPClientRequest(url: address)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else { return false }
        request.body = .bytes(ByteBuffer(data: data))
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            _ = try? await response.body.collect(upTo: 128 * 1024)
            return (200...299).contains(response.status.code)
        } catch {
            logger.debug("HLS auth request failed", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// `httpp.Credentials`: `Bearer user:pass`, `Bearer token`, or Basic.
    static func credentials(_ header: String?) -> (user: String, pass: String, token: String) {
        guard let header else { return ("", "", "") }
        if header.hasPrefix("Bearer ") {
            let value = String(header.dropFirst("Bearer ".count))
            let parts = value.split(separator: ":", omittingEmptySubsequences: false)
            if parts.count == 2 { return (String(parts[0]), String(parts[1]), "") }
            return ("", "", value)
        }
        if header.hasPrefix("Basic "), let data = Data(base64Encoded: String(header.dropFirst("Basic ".count))),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        {
            return (String(text[..<colon]), String(text[text.index(after: colon)...]), "")
        }
        return ("", "", "")
    }

    /// Go's `url.Values.Encode`: sorted by key, query-escaped.
    static func encode(_ items: [URLQueryItem]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-_.~")
        return items.sorted { $0.name < $1.name }.map { item in
            let name = item.name.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
            let value = (item.value ?? "").addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
            return name + "=" + value
        }.joined(separator: "&")
    }

    static func body(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `writeErrorNoLog`: `{"status":"error","error":…}` (gin's JSON, `application/json; charset=utf-8`).
    func hlsError(_ status: Int, _ message: String) -> Response {
        let escaped = message.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return Response(
            status: .init(code: status), headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: #"{"status":"error","error":"\#(escaped)"}"#)))
    }
}
