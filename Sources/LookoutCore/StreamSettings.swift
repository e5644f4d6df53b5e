/// Settings of the streams side: the Hik-Connect account and MediaMTX.
public struct StreamSettings: Sendable {
    /// Nil when no account is configured: discovery, renewals and snapshots are then off.
    public var hikAppKey: String?
    public var hikSecret: String?
    public var hikBaseURL: String
    public var mediamtxAPIURL: String
    public var mediamtxAPIUser: String?
    public var mediamtxAPIPassword: String?
    public var mediamtxConfigPath: String
    /// The group that may read `mediamtx.yml` (mode 0640); nil: the owner alone (0600).
    public var mediamtxConfigGroup: String?
    /// Seals and opens stored stream URLs; nil when `LOOKOUT_STREAM_URL_KEY` is unset (then
    /// the roles that write or read URLs refuse to start).
    public var streamURLCipher: StreamURLCipher?

    init(source: SettingsSource) throws(ConfigurationError) {
        hikAppKey = source.value(.hikAppKey)
        hikSecret = source.value(.hikSecret)
        if (hikAppKey == nil) != (hikSecret == nil) {
            throw ConfigurationError(setting: Setting.hikSecret.environmentName, problem: "HIKVISION_APP_KEY and HIKVISION_SECRET must be set together")
        }
        hikBaseURL = try source.required(.hikBaseURL)
        mediamtxAPIURL = try source.required(.mediamtxAPIURL)
        mediamtxAPIUser = source.value(.mediamtxAPIUser)
        mediamtxAPIPassword = source.value(.mediamtxAPIPassword)
        mediamtxConfigPath = try source.required(.mediamtxConfig)
        mediamtxConfigGroup = source.value(.mediamtxConfigGroup)
        streamURLCipher = try Self.cipher(source)
        for (setting, url) in [(Setting.hikBaseURL, hikBaseURL), (.mediamtxAPIURL, mediamtxAPIURL)]
        where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ConfigurationError(setting: setting.environmentName, problem: "must be an http(s) URL, got '\(url)'")
        }
    }
}

extension StreamSettings {
    /// The keys of `LOOKOUT_STREAM_URL_KEY` and `LOOKOUT_STREAM_URL_OLD_KEYS`. Errors name the
    /// setting and the key id, never the key.
    static func cipher(_ source: SettingsSource) throws(ConfigurationError) -> StreamURLCipher? {
        let old = (source.value(.streamURLOldKeys) ?? "").split(separator: ",").map(String.init).filter { !$0.allSatisfy(\.isWhitespace) }
        guard let text = source.value(.streamURLKey) else {
            guard old.isEmpty else {
                throw ConfigurationError(setting: Setting.streamURLOldKeys.environmentName, problem: "old keys need a current key in LOOKOUT_STREAM_URL_KEY")
            }
            return nil
        }
        func parsed(_ text: String, _ setting: Setting) throws(ConfigurationError) -> StreamURLCipher.Key {
            do {
                return try StreamURLCipher.Key(setting: text)
            } catch {
                throw ConfigurationError(setting: setting.environmentName, problem: error.message)
            }
        }
        let current = try parsed(text, .streamURLKey)
        var oldKeys: [StreamURLCipher.Key] = []
        for item in old { oldKeys.append(try parsed(item, .streamURLOldKeys)) }
        do {
            return try StreamURLCipher(current: current, old: oldKeys)
        } catch {
            throw ConfigurationError(setting: Setting.streamURLOldKeys.environmentName, problem: error.message)
        }
    }
}

extension Setting {
    public static let hikAppKey = Setting(
        "HIKVISION_APP_KEY", yaml: "hikvision.appKey", default: nil, "Hik-Connect for Teams OpenAPI app key (streams off when unset)")
    public static let hikSecret = Setting(
        "HIKVISION_SECRET", yaml: "hikvision.secret", default: nil, secret: .always,
        "Its secret key (in the environment, or a settings file of mode 0600)")
    public static let hikBaseURL = Setting(
        "HIKVISION_BASE_URL", yaml: "hikvision.baseURL", default: "https://isgp.hikcentralconnect.com",
        "Region base URL for `token/get`; later calls go to the returned areaDomain")
    public static let mediamtxAPIURL = Setting(
        "LOOKOUT_MEDIAMTX_API_URL", yaml: "mediamtx.apiURL", default: "http://127.0.0.1:9997", "MediaMTX Control API")
    public static let mediamtxAPIUser = Setting(
        "LOOKOUT_MEDIAMTX_API_USER", yaml: "mediamtx.apiUser", default: nil, "Basic-auth user for the Control API, if it needs one")
    public static let mediamtxAPIPassword = Setting(
        "LOOKOUT_MEDIAMTX_API_PASSWORD", yaml: "mediamtx.apiPassword", default: nil, secret: .always, "Its password")
    public static let mediamtxConfig = Setting(
        "LOOKOUT_MEDIAMTX_CONFIG", yaml: "mediamtx.config", default: "mediamtx.yml", "The mediamtx.yml the sync writes")

    public static let mediamtxConfigGroup = Setting(
        "LOOKOUT_MEDIAMTX_CONFIG_GROUP", yaml: "mediamtx.configGroup", default: nil,
        "Group (name or id) that may read the mediamtx.yml the sync writes (mode 0640, e.g. MediaMTX's); unset: mode 0600, the owner alone")
    public static let streamURLKey = Setting(
        "LOOKOUT_STREAM_URL_KEY", yaml: "streams.urlKey", default: nil, secret: .always,
        "`<id>:<base64 of 32 random bytes>` (`lookout secrets generate-key`): seals stream URLs in PostgreSQL (AES-256-GCM); required by the renewal worker, the MediaMTX sync and `lookout secrets rotate`")
    public static let streamURLOldKeys = Setting(
        "LOOKOUT_STREAM_URL_OLD_KEYS", yaml: "streams.oldUrlKeys", default: nil, secret: .always,
        "Comma-separated `<id>:<base64>` keys that still open stream URLs sealed before a rotation; drop one after `lookout secrets rotate`")

    static let streams: [Setting] = [
        .hikAppKey, .hikSecret, .hikBaseURL, .mediamtxAPIURL, .mediamtxAPIUser, .mediamtxAPIPassword, .mediamtxConfig, .mediamtxConfigGroup,
        .streamURLKey, .streamURLOldKeys,
    ]
}
