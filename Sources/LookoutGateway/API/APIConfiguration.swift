import Foundation
public import LookoutCore

/// What the HTTP API and the dashboard page run with, from the settings.
public struct APIConfiguration: Sendable {
    /// MediaMTX's HLS address as browsers reach it, without a trailing `/`.
    public var hlsBaseURL: String
    /// Origins allowed to call the API from a browser (`*`: any).
    public var corsOrigins: [String]
    public var maxBodySize: Int
    /// Failed API-key attempts per client address per minute.
    public var authFailureLimit: Int
    /// Where the dashboard loads hls.js from.
    public var hlsScriptURL: String
    public var hlsScriptIntegrity: String?
    /// Playback credentials: signing keys and lifetime.
    public var playback: PlaybackSettings

    public init(settings: LookoutSettings) {
        hlsBaseURL = settings.hlsBaseURL
        corsOrigins = settings.corsOrigins
        maxBodySize = settings.apiMaxBodySize
        authFailureLimit = settings.authFailureLimit
        hlsScriptURL = settings.hlsScriptURL
        hlsScriptIntegrity = settings.hlsScriptIntegrity
        playback = settings.playback
    }

    /// The defaults of every setting.
    public init() {
        // The defaults parse; a failure here is a broken default, caught by the settings tests.
        self.init(settings: try! LookoutSettings(source: SettingsSource(environment: [:])))
    }

    /// `scheme://host[:port]` of the HLS base URL, for the CSP.
    var hlsOrigin: String? { Self.origin(of: hlsBaseURL) }
    var hlsScriptOrigin: String? { Self.origin(of: hlsScriptURL) }

    /// `scheme://host[:port]` of an absolute http(s) URL, nil for anything else.
    static func origin(of url: String) -> String? {
        guard let scheme = url.range(of: "://") else { return nil }
        let rest = url[scheme.upperBound...]
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !host.isEmpty else { return nil }
        return String(url[..<scheme.upperBound]) + host
    }

    /// The HLS playlist of a MediaMTX path, with its playback credential.
    func hlsURL(path: String, token: String) -> String {
        hlsBaseURL + "/" + path + "/index.m3u8?token=" + token
    }
}
