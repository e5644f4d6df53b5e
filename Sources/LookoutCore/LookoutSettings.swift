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
    public var heartbeatInterval: Duration
    public var allowHostnameOnlyAuth: Bool
    public var wsMaxMessageSize: Int
    public var flapGrace: Duration
    public var logLevel: Logger.Level

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
        heartbeatInterval = .seconds(try source.integer(.heartbeatInterval, in: 1...3600))
        allowHostnameOnlyAuth = try source.boolean(.allowHostnameOnlyAuth)
        wsMaxMessageSize = try source.integer(.wsMaxMessageSize, in: 1024...(16 << 20))
        flapGrace = .seconds(try source.integer(.flapGrace, in: 0...86_400))
        let level = try source.required(.logLevel)
        guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
            throw ConfigurationError(setting: Setting.logLevel.environmentName, problem: "must be one of trace, debug, info, notice, warning, error, critical; got '\(level)'")
        }
        logLevel = parsed
    }
}
