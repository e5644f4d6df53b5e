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
        for (setting, url) in [(Setting.hikBaseURL, hikBaseURL), (.mediamtxAPIURL, mediamtxAPIURL)]
        where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ConfigurationError(setting: setting.environmentName, problem: "must be an http(s) URL, got '\(url)'")
        }
    }
}

extension Setting {
    public static let hikAppKey = Setting(
        "HIKVISION_APP_KEY", yaml: "hikvision.appKey", default: nil, "Hik-Connect for Teams OpenAPI app key (streams off when unset)")
    public static let hikSecret = Setting(
        "HIKVISION_SECRET", yaml: "hikvision.secret", default: nil, "Its secret key (set it in the environment, not a file)")
    public static let hikBaseURL = Setting(
        "HIKVISION_BASE_URL", yaml: "hikvision.baseURL", default: "https://isgp.hikcentralconnect.com",
        "Region base URL for `token/get`; later calls go to the returned areaDomain")
    public static let mediamtxAPIURL = Setting(
        "LOOKOUT_MEDIAMTX_API_URL", yaml: "mediamtx.apiURL", default: "http://127.0.0.1:9997", "MediaMTX Control API")
    public static let mediamtxAPIUser = Setting(
        "LOOKOUT_MEDIAMTX_API_USER", yaml: "mediamtx.apiUser", default: nil, "Basic-auth user for the Control API, if it needs one")
    public static let mediamtxAPIPassword = Setting(
        "LOOKOUT_MEDIAMTX_API_PASSWORD", yaml: "mediamtx.apiPassword", default: nil, "Its password")
    public static let mediamtxConfig = Setting(
        "LOOKOUT_MEDIAMTX_CONFIG", yaml: "mediamtx.config", default: "mediamtx.yml", "The mediamtx.yml the sync writes")

    static let streams: [Setting] = [.hikAppKey, .hikSecret, .hikBaseURL, .mediamtxAPIURL, .mediamtxAPIUser, .mediamtxAPIPassword, .mediamtxConfig]
}
