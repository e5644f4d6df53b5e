import Foundation

/// Settings of playback authorization: the keys that sign playback credentials and how long a
/// credential lives (`docs/architecture.md`, "Playback authorization").
public struct PlaybackSettings: Sendable {
    /// The first signs; every one verifies. Empty: playback is off (`/live` answers 503,
    /// MediaMTX's auth requests are refused).
    public var keys: [PlaybackSigner.Key]
    public var tokenTTL: Duration

    public init(source: SettingsSource) throws(ConfigurationError) {
        keys = try Self.keys(source.value(.playbackKeys) ?? "")
        tokenTTL = .seconds(try source.integer(.playbackTokenTTL, in: 1...86_400))
    }

    /// `id:secret[,id:secret…]`; ids `[A-Za-z0-9_-]{1,32}` and unique, secrets at least 32
    /// characters. Errors name the entry by position, never by its text (it holds a secret).
    static func keys(_ text: String) throws(ConfigurationError) -> [PlaybackSigner.Key] {
        let name = Setting.playbackKeys.environmentName
        var keys: [PlaybackSigner.Key] = []
        for (index, entry) in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }).enumerated() where !entry.isEmpty {
            guard let colon = entry.firstIndex(of: ":") else {
                throw ConfigurationError(setting: name, problem: "entry \(index + 1) must be id:secret")
            }
            let id = String(entry[..<colon])
            let secret = String(entry[entry.index(after: colon)...])
            guard (1...32).contains(id.count), id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw ConfigurationError(setting: name, problem: "entry \(index + 1): the id must be 1-32 letters, digits, - or _")
            }
            guard secret.utf8.count >= 32 else {
                throw ConfigurationError(setting: name, problem: "entry \(index + 1) (id \(id)): the secret must be at least 32 characters")
            }
            guard !keys.contains(where: { $0.id == id }) else {
                throw ConfigurationError(setting: name, problem: "key id \(id) is listed twice")
            }
            keys.append(PlaybackSigner.Key(id: id, secret: secret))
        }
        return keys
    }
}

extension Setting {
    public static let playbackKeys = Setting(
        "LOOKOUT_PLAYBACK_KEYS", yaml: "playback.keys", default: "", secret: .always,
        "Comma-separated `id:secret` keys (secret ≥ 32 characters) that sign playback credentials; the first signs, all verify, so rotate by putting a new key first and dropping the old one a TTL later; the same on every gateway; empty: playback refused. A secret: set it in the environment, not a file")
    public static let playbackTokenTTL = Setting(
        "LOOKOUT_PLAYBACK_TOKEN_TTL", yaml: "playback.tokenTTL", default: "300",
        "Seconds a playback credential from `/api/camera/:id/live` stays valid for starting playback (1-86400)")
}
