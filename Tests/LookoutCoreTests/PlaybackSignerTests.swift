import Foundation
import LookoutCore
import Testing

/// Playback credentials: valid for one path until their expiry, under a known key, untampered;
/// rotation keeps the old key verifying until it is dropped.
@Suite struct PlaybackSignerTests {
    let old = PlaybackSigner.Key(id: "k1", secret: String(repeating: "a", count: 32))
    let new = PlaybackSigner.Key(id: "k2", secret: String(repeating: "b", count: 32))
    let now: Int64 = 1_800_000_000

    @Test func aCredentialVerifiesForItsPathUntilItExpires() throws {
        let signer = PlaybackSigner(keys: [old])
        let token = try #require(signer.sign(path: "ABC123-ch1", subject: 7, expiresAt: now + 300))
        #expect(token.hasPrefix("k1.7.\(now + 300)."))
        #expect(token.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }, "URL-safe as it is")
        let credential = try signer.verify(token, path: "ABC123-ch1", now: now)
        #expect(credential.keyID == "k1" && credential.subject == 7 && credential.expiresAt == now + 300)
        #expect(throws: PlaybackSigner.Refusal.expired) { try signer.verify(token, path: "ABC123-ch1", now: now + 300) }
        #expect(throws: PlaybackSigner.Refusal.expired) { try signer.verify(token, path: "ABC123-ch1", now: now + 301) }
    }

    @Test func anotherPathIsRefused() throws {
        let signer = PlaybackSigner(keys: [old])
        let token = try #require(signer.sign(path: "ABC123-ch1", subject: 7, expiresAt: now + 300))
        for path in ["ABC123-ch2", "ABC123-ch1/", "abc123-ch1", "", "ABC123-ch10"] {
            #expect(throws: PlaybackSigner.Refusal.badSignature, "\(path)") { try signer.verify(token, path: path, now: now) }
        }
    }

    @Test func aTamperedCredentialIsRefused() throws {
        let signer = PlaybackSigner(keys: [old])
        let token = try #require(signer.sign(path: "p", subject: 7, expiresAt: now + 300))
        let parts = token.split(separator: ".").map(String.init)
        let longer = [parts[0], parts[1], String(now + 86_400), parts[3]].joined(separator: ".")
        let otherSubject = [parts[0], "8", parts[2], parts[3]].joined(separator: ".")
        var flipped = Array(parts[3])
        flipped[0] = flipped[0] == "A" ? "B" : "A"
        let badMAC = [parts[0], parts[1], parts[2], String(flipped)].joined(separator: ".")
        for forged in [longer, otherSubject, badMAC] {
            #expect(throws: PlaybackSigner.Refusal.badSignature) { try signer.verify(forged, path: "p", now: now) }
        }
        for malformed in ["", "k1", "k1.7.\(now + 300)", token + ".x", "k1.x.\(now + 300).\(parts[3])", "k1.7.\(now + 300).!!", String(repeating: "a", count: 600)] {
            #expect(throws: PlaybackSigner.Refusal.malformed, "\(malformed.prefix(20))") { try signer.verify(malformed, path: "p", now: now) }
        }
        let forgedKey = PlaybackSigner(keys: [PlaybackSigner.Key(id: "k1", secret: String(repeating: "z", count: 32))])
        #expect(throws: PlaybackSigner.Refusal.badSignature) { try forgedKey.verify(token, path: "p", now: now) }
    }

    @Test func rotationSignsWithTheNewKeyAndDroppingTheOldRevokesItsCredentials() throws {
        let before = PlaybackSigner(keys: [old])
        let during = PlaybackSigner(keys: [new, old])
        let after = PlaybackSigner(keys: [new])
        let oldToken = try #require(before.sign(path: "p", subject: 1, expiresAt: now + 60))
        let newToken = try #require(during.sign(path: "p", subject: 1, expiresAt: now + 60))
        #expect(newToken.hasPrefix("k2."))
        #expect(try during.verify(oldToken, path: "p", now: now).keyID == "k1", "old credentials still work during the rotation")
        #expect(try after.verify(newToken, path: "p", now: now).keyID == "k2")
        #expect(throws: PlaybackSigner.Refusal.unknownKey) { try after.verify(oldToken, path: "p", now: now) }
        #expect(throws: PlaybackSigner.Refusal.unknownKey) { try before.verify(newToken, path: "p", now: now) }
        #expect(PlaybackSigner(keys: []).sign(path: "p", subject: 1, expiresAt: now) == nil)
    }

    @Test func keysSettingIsCheckedWithoutEchoingSecrets() throws {
        let secret = "s3cr3t-" + String(repeating: "x", count: 30)
        let settings = try PlaybackSettings(source: SettingsSource(environment: ["LOOKOUT_PLAYBACK_KEYS": "new:\(secret), old:\(secret)y"]))
        #expect(settings.keys.map(\.id) == ["new", "old"])
        #expect(settings.tokenTTL == .seconds(300))
        #expect(try PlaybackSettings(source: SettingsSource(environment: [:])).keys.isEmpty)
        for bad in ["nocolon\(secret)", "k1:short-s3cr3t", "bad id:\(secret)", "k1:\(secret),k1:\(secret)"] {
            do {
                _ = try PlaybackSettings(source: SettingsSource(environment: ["LOOKOUT_PLAYBACK_KEYS": bad]))
                Issue.record("accepted \(bad.prefix(8))")
            } catch {
                #expect(error.setting == "LOOKOUT_PLAYBACK_KEYS")
                #expect(!"\(error)".contains("s3cr3t"), "\(error)")
            }
        }
        #expect(throws: ConfigurationError.self) { try PlaybackSettings(source: SettingsSource(environment: ["LOOKOUT_PLAYBACK_TOKEN_TTL": "0"])) }
    }
}
