import LookoutCore
import LookoutHikConnect
import LookoutHikSimulator
import LookoutTestSupport
import Testing

@Suite("Secrets stay out of logs")
struct HikSecretsTests {
    @Test func noURLTokenOrSecretInLogs() async throws {
        var options = HikCloudSimulator.Options()
        options.secretKey = "sim-secret-key-that-must-not-leak"
        let secretKey = options.secretKey
        try await HikHarness.with(options) { harness in
            let client = harness.client()
            let cameras = try await client.cameras()
            var tokens: Set<String> = []
            tokens.insert(try #require(try await harness.sharedToken()))
            let address = try await client.liveAddress(for: cameras[0])
            harness.control.revokeTokens()
            let picture = try await client.capturePicture(deviceSerial: cameras[1].deviceSerial, channelNo: cameras[1].channelNo)
            tokens.insert(try #require(try await harness.sharedToken()))
            harness.control.setOnline(false, deviceSerial: cameras[0].deviceSerial)
            _ = try? await client.liveAddress(for: cameras[0])
            harness.control.failNext(1)
            _ = try? await client.devices()

            let logs = harness.logs.all
            #expect(logs.count >= 5, "the client did log")
            #expect(logs.contains { $0.contains("lookout.hik.error_code=EVZ20007") && $0.contains(cameras[0].resourceId) })
            for line in logs {
                #expect(!line.contains("rtmp://"), "\(line)")
                #expect(!line.contains(address.url) && !line.contains(picture.url), "\(line)")
                #expect(!line.contains("fa4e"), "no URL signature: \(line)")
                #expect(!line.contains(secretKey), "\(line)")
                for token in tokens { #expect(!line.contains(token), "\(line)") }
                #expect(!line.contains("hcc."), "\(line)")
            }
        }
    }

    @Test func valuesRedactThemselves() {
        let address = HikLiveAddress(id: "1", url: "rtmp://host:1935/v3/openlive/X_1_1?t=secret", expiresAt: 1)
        let picture = HikPicture(url: "https://host/p.jpeg?t=secret", isEncrypted: false, capturedAt: 1)
        let configuration = HikConnectConfiguration(appKey: "ak", secretKey: "very-secret", regionBaseURL: "https://isgp.hikcentralconnect.com")
        for text in ["\(address)", String(reflecting: address), "\(picture)", String(reflecting: picture), "\(configuration)"] {
            #expect(!text.contains("secret") || text.contains("<redacted>") && !text.contains("t=secret") && !text.contains("very-secret"))
        }
    }
}
