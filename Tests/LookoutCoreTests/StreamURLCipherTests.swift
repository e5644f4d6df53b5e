import LookoutCore
import Testing

@Suite struct StreamURLCipherTests {
    static let url = "rtmp://rtmp.example.com:1935/v3/openlive/SERIAL_1_1?expire=1765000000&id=abc&t=SIGNATURE"
    static let keyA = "a:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="
    static let keyB = "b:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="
    static let otherA = "a:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="

    static func cipher(_ current: String, old: [String] = []) throws -> StreamURLCipher {
        try StreamURLCipher(current: .init(setting: current), old: old.map { try .init(setting: $0) })
    }

    @Test func aSealedURLOpensForItsCameraOnlyAndShowsNothingOfTheURL() throws {
        let cipher = try Self.cipher(Self.keyA)
        let sealed = try cipher.seal(Self.url, cameraID: 7)
        #expect(sealed.hasPrefix("sealed:v1:a:"))
        #expect(!sealed.contains("rtmp") && !sealed.contains("SIGNATURE") && !sealed.contains("example"))
        #expect(try cipher.seal(Self.url, cameraID: 7) != sealed, "a fresh nonce each time")
        #expect(try cipher.open(sealed, cameraID: 7) == Self.url)
        let moved = #expect(throws: StreamURLCipherError.self) { try cipher.open(sealed, cameraID: 8) }
        #expect(moved?.code == .wrongKey)
    }

    @Test func aWrongOrMissingKeyIsAClearErrorWithoutTheURL() throws {
        let sealed = try Self.cipher(Self.keyA).seal(Self.url, cameraID: 1)
        let wrong = #expect(throws: StreamURLCipherError.self) { try Self.cipher(Self.otherA).open(sealed, cameraID: 1) }
        #expect(wrong?.code == .wrongKey)
        #expect(wrong?.message == "stream URL of camera 1 does not open with key 'a' (other key material under that id, or an altered or moved value)")
        let missing = #expect(throws: StreamURLCipherError.self) { try Self.cipher(Self.keyB).open(sealed, cameraID: 1) }
        #expect(missing?.code == .unknownKey)
        #expect(missing?.message.contains("sealed with key 'a', which is not configured (configured: b)") == true)
        let tampered = String(sealed.dropLast(4)) + "AAA="
        #expect(throws: StreamURLCipherError.self) { try Self.cipher(Self.keyA).open(tampered, cameraID: 1) }
    }

    @Test func oldKeysOpenAndResealingMovesEverythingToTheCurrentKeyOnce() throws {
        let old = try Self.cipher(Self.keyA).seal(Self.url, cameraID: 3)
        let rotated = try Self.cipher(Self.keyB, old: [Self.keyA])
        #expect(try rotated.open(old, cameraID: 3) == Self.url)
        let resealed = try #require(try rotated.resealed(old, cameraID: 3))
        #expect(resealed.hasPrefix("sealed:v1:b:"))
        #expect(try rotated.resealed(resealed, cameraID: 3) == nil, "already current: left alone")
        let fromPlaintext = try #require(try rotated.resealed(Self.url, cameraID: 3))
        #expect(try rotated.open(fromPlaintext, cameraID: 3) == Self.url)
        #expect(try rotated.open(Self.url, cameraID: 3) == Self.url, "plaintext from before sealing is read as it is")
    }

    @Test func generatedKeysAreUsableSettings() throws {
        let text = try StreamURLCipher.Key.generateSetting(id: "2026-12")
        let key = try StreamURLCipher.Key(setting: text)
        #expect(key.id == "2026-12")
        #expect(try StreamURLCipher.Key.generateSetting(id: "2026-12") != text)
    }

    @Test func renewalDueTimesNeverTrapOnExtremeExpiries() {
        let schedule = RenewalSchedule(lifetimeShare: 0.7)
        for (issued, expires) in [(Int64.min, Int64.max), (Int64.max, Int64.min), (0, Int64.max), (Int64.max - 1, Int64.max), (-5, -10)] {
            let due = schedule.dueAt(issuedAt: issued, expiresAt: expires)
            #expect(expires <= issued ? due == issued : due >= issued)
        }
        #expect(schedule.dueAt(issuedAt: 1000, expiresAt: 2000) == 1700)
    }
}
