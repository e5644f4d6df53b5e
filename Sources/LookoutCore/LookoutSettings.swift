public import Logging

/// The parsed settings a process runs with. URLs stay strings here (this module does no I/O);
/// the modules that connect parse them and report errors naming the setting.
public struct LookoutSettings: Sendable {
    public var redisURL: String?
    public var databaseURL: String?
    public var keys: RedisKeys
    public var redisCommandTimeout: Duration
    public var httpHost: String
    public var httpPort: Int
    public var workerHTTPPort: Int
    public var heartbeatInterval: Duration
    public var wsMaxMessageSize: Int
    /// Between WebSocket pings; nil: none.
    public var wsPingInterval: Duration?
    public var flapGrace: Duration
    /// MediaMTX's HLS address as browsers reach it, without a trailing `/`.
    public var hlsBaseURL: String
    /// Origins allowed to call the HTTP API from a browser (`*`: any); empty: none.
    public var corsOrigins: [String]
    public var apiMaxBodySize: Int
    /// Failed API-key attempts per client address per minute before 429.
    public var authFailureLimit: Int
    /// How long a connection may take to send its first request head.
    public var headerTimeout: Duration
    /// How long a keep-alive HTTP connection may wait for its next request.
    public var idleTimeout: Duration
    /// Open connections at most, in all and per client address; 0: no cap.
    public var maxConnections: Int
    public var maxConnectionsPerAddress: Int
    /// Over how long a stopping gateway spreads its NVR sockets' closes; zero: all at once.
    public var drainWindow: Duration
    /// Load balancers whose `X-Forwarded-For` is believed.
    public var trustedProxies: [IPNetwork]
    public var hlsScriptURL: String
    /// `sha256-…`/`sha384-…`/`sha512-…` for the hls.js script tag; nil: no check.
    public var hlsScriptIntegrity: String?
    public var playback: PlaybackSettings
    public var logLevel: Logger.Level
    public var streams: StreamSettings
    public var alerts: AlertSettings

    /// Reads every setting; `required` names the ones this command cannot run without.
    public init(source: SettingsSource, requiring required: [Setting] = []) throws(ConfigurationError) {
        for setting in required { _ = try source.required(setting) }
        redisURL = source.value(.redisURL)
        databaseURL = source.value(.databaseURL)
        let prefix = try source.required(.keyPrefix)
        keys = RedisKeys(prefix: prefix)
        redisCommandTimeout = .seconds(try source.integer(.redisCommandTimeout, in: 1...300))
        httpHost = try source.required(.httpHost)
        httpPort = try source.integer(.httpPort, in: 0...65535)
        workerHTTPPort = try source.integer(.workerHTTPPort, in: 0...65535)
        heartbeatInterval = .seconds(try source.integer(.heartbeatInterval, in: 1...3600))
        if try source.boolean(.allowHostnameOnlyAuth) {
            throw ConfigurationError(
                setting: Setting.allowHostnameOnlyAuth.environmentName,
                problem: "was removed: hostname-only auth is a per-NVR flag now (lookout nvr add --hostname-only-auth, or hostnameOnlyAuth in /api/nvr)")
        }
        wsMaxMessageSize = try source.integer(.wsMaxMessageSize, in: 1024...(16 << 20))
        let ping = try source.integer(.wsPingInterval, in: 0...3600)
        wsPingInterval = ping == 0 ? nil : .seconds(ping)
        flapGrace = .seconds(try source.integer(.flapGrace, in: 0...86_400))
        hlsBaseURL = try Self.httpURL(source, .hlsBaseURL)
        corsOrigins = try Self.origins(source, .corsOrigins)
        apiMaxBodySize = try source.integer(.apiMaxBodySize, in: 1024...(64 << 20))
        authFailureLimit = try source.integer(.authFailureLimit, in: 1...100_000)
        headerTimeout = .seconds(try source.integer(.headerTimeout, in: 1...3600))
        idleTimeout = .seconds(try source.integer(.idleTimeout, in: 1...86_400))
        maxConnections = try source.integer(.maxConnections, in: 0...10_000_000)
        maxConnectionsPerAddress = try source.integer(.maxConnectionsPerAddress, in: 0...10_000_000)
        drainWindow = .seconds(try source.integer(.drainWindow, in: 0...300))
        trustedProxies = try Self.networks(source, .trustedProxies)
        hlsScriptURL = try Self.httpURL(source, .hlsScriptURL)
        hlsScriptIntegrity = try Self.integrity(source, .hlsScriptIntegrity)
        playback = try PlaybackSettings(source: source)
        let level = try source.required(.logLevel)
        guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
            throw ConfigurationError(setting: Setting.logLevel.environmentName, problem: "must be one of trace, debug, info, notice, warning, error, critical; got '\(level)'")
        }
        logLevel = parsed
        streams = try StreamSettings(source: source)
        alerts = try AlertSettings(source: source)
    }

    /// An `http(s)://` URL, without a trailing `/`.
    static func httpURL(_ source: SettingsSource, _ setting: Setting) throws(ConfigurationError) -> String {
        let text = try source.required(setting)
        guard text.hasPrefix("http://") || text.hasPrefix("https://"), !text.contains(where: \.isWhitespace) else {
            throw ConfigurationError(setting: setting.environmentName, problem: "must be an http:// or https:// URL, got '\(text)'")
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    /// A subresource-integrity value (`sha384-<base64>`), or nil for `none`.
    static func integrity(_ source: SettingsSource, _ setting: Setting) throws(ConfigurationError) -> String? {
        let text = try source.required(setting)
        guard text != "none" else { return nil }
        let parts = text.split(separator: "-", maxSplits: 1)
        let lengths = ["sha256": 44, "sha384": 64, "sha512": 88]
        guard parts.count == 2, let length = lengths[String(parts[0])], parts[1].count == length,
            parts[1].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "/" || $0 == "=") })
        else {
            throw ConfigurationError(setting: setting.environmentName, problem: "must be sha256-, sha384- or sha512- and the base64 digest, or none; got '\(text)'")
        }
        return text
    }

    /// `*`, or a comma-separated list of `scheme://host[:port]` origins.
    static func origins(_ source: SettingsSource, _ setting: Setting) throws(ConfigurationError) -> [String] {
        let items = (source.value(setting) ?? "").split(separator: ",").map { String($0.filter { $0 != " " }) }.filter { !$0.isEmpty }
        for item in items where item != "*" {
            let rest = item.drop { $0 != ":" }
            guard item.hasPrefix("http://") || item.hasPrefix("https://"), rest.count > 3, !rest.dropFirst(3).contains("/") else {
                throw ConfigurationError(setting: setting.environmentName, problem: "must list origins like https://host[:port] or *, got '\(item)'")
            }
        }
        return items
    }

    /// A comma-separated list of addresses or CIDR networks.
    static func networks(_ source: SettingsSource, _ setting: Setting) throws(ConfigurationError) -> [IPNetwork] {
        let items = (source.value(setting) ?? "").split(separator: ",").map { String($0.filter { $0 != " " }) }.filter { !$0.isEmpty }
        var networks: [IPNetwork] = []
        for item in items {
            guard let network = IPNetwork(item) else {
                throw ConfigurationError(setting: setting.environmentName, problem: "must list IP addresses or networks like 10.0.0.0/8 or fd00::/8, got '\(item)'")
            }
            networks.append(network)
        }
        return networks
    }
}
