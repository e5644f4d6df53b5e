import LookoutCore
import LookoutHikConnect
import LookoutHikSimulator
import LookoutTestSupport
import Testing

@Suite("HikConnectClient against the simulated cloud")
struct HikConnectClientTests {
    static let camerasPath = "/api/hccgw/resource/v1/areas/cameras/get"

    @Test func twoClientsShareOneLogin() async throws {
        try await HikHarness.with { harness in
            let first = harness.client()
            let second = harness.client(redis: try harness.newRedisClient())
            async let a = first.cameras()
            async let b = second.cameras()
            let (camerasA, camerasB) = try await (a, b)
            #expect(camerasA.count == 16 && camerasA == camerasB)
            // A third client, later: the token comes from Redis.
            _ = try await harness.client().devices()
            #expect(harness.stats.logins == 1)
        }
    }

    @Test func pagesThrough1200CamerasInThreePages() async throws {
        var options = HikCloudSimulator.Options()
        (options.devices, options.channels) = (150, 8)
        try await HikHarness.with(options) { harness in
            let cameras = try await harness.client().cameras()
            #expect(cameras.count == 1200)
            #expect(Set(cameras.map(\.resourceId)).count == 1200)
            #expect(cameras.allSatisfy { $0.resourceId.count == 32 && $0.isOnline == true && (1...8).contains($0.channelNo) })
            #expect(cameras.first?.deviceSerial == harness.control.inventory.cameras.first?.deviceSerial)
            #expect(harness.stats.byPath[Self.camerasPath] == 3)
        }
    }

    @Test func liveAddressIsRTMPWithExpiryInMilliseconds() async throws {
        try await HikHarness.with { harness in
            let client = harness.client()
            let camera = try #require(try await client.cameras().first)
            let before = unixMillis()
            let address = try await client.liveAddress(for: camera, expireSeconds: 120)
            let after = unixMillis()
            #expect(address.expiresAt >= before + 120_000 - 1000 && address.expiresAt <= after + 120_000 + 1000)
            #expect(address.url.hasPrefix("rtmp://127.0.0.1:1935/v3/openlive/\(camera.deviceSerial)_\(camera.channelNo)_1?"))
            #expect(address.url.contains("expire=\(address.expiresAt / 1000)&id=\(address.id)&"))
            #expect(!"\(address)".contains("rtmp://"))
            let renewed = try await client.liveAddress(for: camera, quality: .sub, expireSeconds: 60)
            #expect(renewed.id != address.id && renewed.url != address.url && renewed.url.contains("_2?"))
            #expect(harness.stats.liveAddressesIssued == 2)
        }
    }

    @Test func urlLifetimeSwitchShortensURLs() async throws {
        var options = HikCloudSimulator.Options()
        options.urlLifetimeSeconds = 5
        try await HikHarness.with(options) { harness in
            let client = harness.client()
            let camera = try #require(try await client.cameras().first)
            let address = try await client.liveAddress(for: camera)
            #expect(abs(address.expiresAt - unixMillis() - 5000) < 2000)
        }
    }

    @Test func numbersSentAsStringsAreAccepted() async throws {
        var options = HikCloudSimulator.Options()
        options.numbersAsStrings = true
        try await HikHarness.with(options) { harness in
            let client = harness.client()
            let cameras = try await client.cameras()
            #expect(cameras.count == 16 && cameras.allSatisfy { $0.isOnline == true })
            #expect(cameras.map(\.channelNo).sorted().last == 4)
            let devices = try await client.devices()
            #expect(devices.count == 4 && devices.allSatisfy(\.isOnline))
            let before = unixMillis()
            let address = try await client.liveAddress(for: cameras[0], expireSeconds: 300)
            #expect(abs(address.expiresAt - before - 300_000) < 2000)
            let picture = try await client.capturePicture(deviceSerial: cameras[0].deviceSerial, channelNo: cameras[0].channelNo)
            #expect(!picture.isEncrypted && picture.url.hasPrefix(harness.baseURL))
        }
    }

    @Test func revokedTokenMeansOneReloginAndTheCallSucceeds() async throws {
        try await HikHarness.with { harness in
            let client = harness.client()
            let camera = try #require(try await client.cameras().first)
            let oldToken = try await harness.sharedToken()
            harness.control.revokeTokens()
            _ = try await client.liveAddress(for: camera)
            #expect(harness.stats.logins == 2)
            #expect(harness.stats.tokenRejections == 1)
            let newToken = try await harness.sharedToken()
            #expect(newToken != nil && newToken != oldToken)
            // Another process picks the new token up from Redis: no further login.
            _ = try await harness.client(redis: try harness.newRedisClient()).devices()
            #expect(harness.stats.logins == 2)
        }
    }

    @Test func offlineDeviceCostsExactlyOneRequest() async throws {
        try await HikHarness.with { harness in
            let client = harness.client()
            let camera = try #require(try await client.cameras().first)
            harness.control.setOnline(false, deviceSerial: camera.deviceSerial)
            harness.control.resetStats()
            let error = await #expect(throws: HikConnectError.self) { try await client.liveAddress(for: camera) }
            #expect(error?.code == .deviceOffline && error?.errorCode == "EVZ20007")
            #expect(harness.stats.requests == 1)
            let snapshot = await #expect(throws: HikConnectError.self) {
                try await client.capturePicture(deviceSerial: camera.deviceSerial, channelNo: camera.channelNo)
            }
            #expect(snapshot?.code == .deviceOffline)
            #expect(harness.stats.requests == 2)
        }
    }

    @Test func businessErrorsAreTyped() async throws {
        try await HikHarness.with { harness in
            let client = harness.client()
            let camera = try #require(try await client.cameras().first)
            let unknown = await #expect(throws: HikConnectError.self) {
                try await client.liveAddress(resourceId: "\(camera.deviceSerial)_1_1", deviceSerial: camera.deviceSerial)
            }
            #expect(unknown?.code == .notFound && unknown?.errorCode == "OPEN000503")
            harness.control.setEncrypted(true, deviceSerial: camera.deviceSerial)
            let encrypted = await #expect(throws: HikConnectError.self) { try await client.liveAddress(for: camera) }
            #expect(encrypted?.code == .encrypted && encrypted?.errorCode == "EVZ60019")
            let tooShort = await #expect(throws: HikConnectError.self) { try await client.liveAddress(for: camera, expireSeconds: 10) }
            #expect(tooShort?.code == .invalidRequest)
            let wrongSecret = await #expect(throws: HikConnectError.self) {
                try await harness.client {
                    $0.secretKey = "wrong"; $0.keys = RedisKeys(prefix: TestEnvironment.uniqueName() + ":")
                }.devices()
            }
            #expect(wrongSecret?.code == .badCredentials && wrongSecret?.errorCode == "OPEN300002")
        }
    }
}
