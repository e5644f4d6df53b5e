import AsyncHTTPClient
import Foundation
import Logging
import LookoutMediaMTXSimulator
import NIOCore
import NIOHTTP1
import LookoutTestSupport
import Testing

/// Playback behind Lookout, over HTTP: a real gateway process and the MediaMTX double, whose HLS
/// server asks the gateway's `/mediamtx/auth` as MediaMTX v1.20 does with `authMethod: http`.
@Suite struct PlaybackEndToEndTests {
    @Test func onlyACurrentCredentialForThePathStartsPlayback() async throws {
        var options = MediaMTXDouble.Options()
        options.paths = ["e2e-dock": [:], "e2e-gate": [:]]
        let server = MediaMTXDoubleServer(double: MediaMTXDouble(options: options, logger: Logger(label: "double")), logger: Logger(label: "double"))
        try await server.start()
        try await withTeardown({ await server.stop() }) {
            let base = await server.baseURL
            let system = try await LookoutSystem.start(environment: ["LOOKOUT_HLS_BASE_URL": base, "LOOKOUT_PLAYBACK_TOKEN_TTL": "2"])
            try await withTeardown({ await system.shutdown() }) {
                let (_, port) = try await system.startGateway()
                await server.double.setAuthHTTPAddress("http://127.0.0.1:\(port)/mediamtx/auth")
                let gateway = "http://127.0.0.1:\(port)"
                let admin = try await system.addAPIKey(role: "admin")
                let viewer = try await system.addAPIKey(role: "viewer")
                var ids: [String: Int] = [:]
                for name in ["dock", "gate"] {
                    let created = try await HTTPCall.send("POST", "\(gateway)/api/camera", key: admin, json: #"{"name":"\#(name)","mediamtxPath":"e2e-\#(name)"}"#)
                    ids[name] = ((created.json["camera"] as? [String: Any])?["id"] as? NSNumber)?.intValue
                }
                _ = try await system.database.query(TestStreams.give)
                let live = try await HTTPCall.send("GET", "\(gateway)/api/camera/\(try #require(ids["dock"]))/live", key: viewer).json
                let url = try #require(live["hlsUrl"] as? String)
                let expiresAt = try #require((live["expiresAt"] as? NSNumber)?.int64Value)
                #expect(url.hasPrefix("\(base)/e2e-dock/index.m3u8?token="))
                let token = try #require(URLComponents(string: url)?.queryItems?.first { $0.name == "token" }?.value)

                // A valid credential plays: 302 to add cookieCheck, then the playlists and a segment.
                let first = try await HLSFetch.get(url, followRedirects: false)
                #expect(first.status == 302)
                #expect(first.headers["location"] == "/e2e-dock/index.m3u8?cookieCheck=1&token=\(token)")
                let index = try await HLSFetch.get(url)
                #expect(index.status == 200, "\(index.body)")
                let mediaLine = try #require(index.body.split(separator: "\n").first { $0.hasPrefix("main_stream.m3u8?") })
                #expect(mediaLine.contains("token=\(token)") && mediaLine.contains("session="), "the query travels on")
                let media = try await HLSFetch.get("\(base)/e2e-dock/\(mediaLine)")
                #expect(media.status == 200)
                let segmentLine = try #require(media.body.split(separator: "\n").first { $0.hasPrefix("double_main_seg0.mp4?") })
                let segment = try await HLSFetch.get("\(base)/e2e-dock/\(segmentLine)")
                #expect(segment.status == 200)

                // Refused as MediaMTX refuses: 401, its JSON body; Basic challenge only without credentials.
                let refusedBody = #"{"status":"error","error":"authentication error"}"#
                let missing = try await HLSFetch.get("\(base)/e2e-dock/index.m3u8?cookieCheck=1")
                #expect(missing.status == 401 && missing.body == refusedBody)
                #expect(missing.headers["www-authenticate"] == #"Basic realm="mediamtx""#)
                let otherPath = try await HLSFetch.get("\(base)/e2e-gate/index.m3u8?token=\(token)")
                #expect(otherPath.status == 401 && otherPath.body == refusedBody, "a credential for another path")
                var parts = token.split(separator: ".").map(String.init)
                parts[3] = (parts[3].first == "A" ? "B" : "A") + parts[3].dropFirst()
                let tampered = try await HLSFetch.get("\(base)/e2e-dock/index.m3u8?token=\(parts.joined(separator: "."))")
                #expect(tampered.status == 401)
                let bearer = try await HLSFetch.get("\(base)/e2e-dock/index.m3u8?cookieCheck=1", bearer: "nope")
                #expect(bearer.status == 401 && bearer.headers["www-authenticate"] == nil, "credentials given: no challenge")
                let noSession = try await HLSFetch.get("\(base)/e2e-dock/double_main_seg0.mp4?token=\(token)")
                #expect(noSession.status == 401 && noSession.body == refusedBody, "segments need the session")
                let unconfigured = try await HLSFetch.get("\(base)/e2e-nowhere/index.m3u8?cookieCheck=1&token=\(token)")
                #expect(unconfigured.status == 500 && unconfigured.body.contains("is not configured"))

                // Expired: refused; the session it opened goes on (MediaMTX checks only at the start);
                // a fresh credential from /live plays again.
                let wait = Double(expiresAt) / 1000 - Date().timeIntervalSince1970 + 0.2
                if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
                let expired = try await HLSFetch.get(url)
                #expect(expired.status == 401 && expired.body == refusedBody, "an expired credential")
                #expect(try await HLSFetch.get("\(base)/e2e-dock/\(segmentLine)").status == 200, "the open session goes on")
                let fresh = try await HTTPCall.send("GET", "\(gateway)/api/camera/\(try #require(ids["dock"]))/live", key: viewer).json["hlsUrl"] as? String
                #expect(try await HLSFetch.get(try #require(fresh)).status == 200)
                // What a session start costs the gateway (HMAC + one PostgreSQL lookup), 100 in a row.
                let ask = #"{"action":"read","path":"e2e-dock","query":"token=\#(try #require(URLComponents(string: fresh!)?.queryItems?.first?.value))","ip":"203.0.113.9"}"#
                var millis: [Double] = []
                for _ in 0..<100 {
                    let start = ContinuousClock.now
                    let reply = try await HTTPCall.send("POST", "\(gateway)/mediamtx/auth", json: ask)
                    let elapsed = (ContinuousClock.now - start).components
                    millis.append(Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15)
                    #expect(reply.status == 204)
                }
                millis.sort()
                print("playback: /mediamtx/auth allow over HTTP, 100 sequential: p50 \(millis[49]) ms, p99 \(millis[98]) ms, max \(millis[99]) ms")
                let statuses = await server.double.hlsRequests().filter { $0.file == "index.m3u8" }.map(\.status)
                print("playback: index.m3u8 answers \(statuses)")
                #expect(!system.logs.contains(token), "credentials never reach the gateway's log")
            }
        }
    }
}

/// GETs as a player makes them: status, headers (lowercased names), body; optionally without
/// following redirects.
enum HLSFetch {
    struct Reply: Sendable {
        let status: Int
        let headers: [String: String]
        let body: String
    }

    static let noRedirects = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))

    static func get(_ url: String, followRedirects: Bool = true, bearer: String? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        let response = try await (followRedirects ? HTTPClient.shared : noRedirects).execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return Reply(status: Int(response.status.code), headers: headers, body: String(buffer: body))
    }
}
