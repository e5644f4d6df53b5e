import Foundation
import LookoutMediaMTX
import Testing
import Yams

/// The `mediamtx.yml` the repository ships: it turns playback authorization on (`authMethod:
/// http` at the gateway's `/mediamtx/auth`), keeps the API and metrics on loopback, passes the
/// sync's validation, and a rendering keeps all of that.
@Suite("The shipped mediamtx.yml")
struct ShippedConfigTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../mediamtx.yml").standardized.path

    @Test func itSendsReadersToTheGatewayAndKeepsTheAPIOnLoopback() throws {
        let config = try MediaMTXConfig.load(path: Self.path)
        let rendered = try config.rendering(sources: ["cam-1": "rtmp://u:p@cloud.example/live/1"], formerlyManaged: [])
        for yaml in [config.yaml, rendered.yaml] {
            let root = try #require(try Yams.load(yaml: yaml) as? [String: Any])
            #expect(root["authMethod"] as? String == "http")
            #expect((root["authHTTPAddress"] as? String)?.hasSuffix("/mediamtx/auth") == true)
            let excluded = (root["authHTTPExclude"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(Set(excluded) == ["api", "metrics"], "only what listens on loopback skips the gateway; read, playback, publish do not")
            #expect((root["apiAddress"] as? String)?.hasPrefix("127.0.0.1:") == true)
            #expect((root["metricsAddress"] as? String)?.hasPrefix("127.0.0.1:") == true)
            #expect(root["authInternalUsers"] == nil, "ignored with authMethod http: not kept to mislead")
        }
        try rendered.validate(managed: ["cam-1": "rtmp://u:p@cloud.example/live/1"])
    }
}
