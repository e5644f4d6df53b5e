/// One configuration setting: its environment variable, its key in the YAML file, its default
/// and what it is for. `Setting.all` is the single list the loader, the README table and the
/// tests read, so a setting cannot exist in one place and be missing in another.
public struct Setting: Sendable, Hashable {
    /// Whether a value is a secret: then a settings file may hold it only when its mode is 0600.
    public enum Secrecy: Sendable, Hashable {
        case none
        /// Always a secret (a password, a key).
        case always
        /// A secret when the URL carries a password (`scheme://user:password@host`).
        case urlPassword
    }

    public let environmentName: String
    public let yamlKey: String
    /// nil: required by the commands that use it.
    public let defaultValue: String?
    public let summary: String
    public let secrecy: Secrecy

    public init(_ environmentName: String, yaml yamlKey: String, default defaultValue: String?, secret secrecy: Secrecy = .none, _ summary: String) {
        self.environmentName = environmentName
        self.yamlKey = yamlKey
        self.defaultValue = defaultValue
        self.secrecy = secrecy
        self.summary = summary
    }

    /// Whether `value` of this setting is a secret.
    public func isSecret(_ value: String) -> Bool {
        switch secrecy {
        case .none: return false
        case .always: return true
        case .urlPassword:
            // `scheme://user:password@host…`: a ':' in the part before the last '@' of the authority.
            guard let colon = value.firstIndex(of: ":"), value[colon...].hasPrefix("://") else { return false }
            let authority = value[value.index(colon, offsetBy: 3)...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            guard let at = authority.lastIndex(of: "@") else { return false }
            return authority[..<at].contains(":")
        }
    }
}

extension Setting {
    public static let redisURL = Setting(
        "LOOKOUT_REDIS_URL", yaml: "redis.url", default: nil, secret: .urlPassword, "Redis, `redis://[user:password@]host:port/db`")
    public static let databaseURL = Setting(
        "LOOKOUT_DATABASE_URL", yaml: "database.url", default: nil, secret: .urlPassword, "PostgreSQL, `postgres://user:password@host:port/db`")
    public static let keyPrefix = Setting(
        "LOOKOUT_KEY_PREFIX", yaml: "redis.keyPrefix", default: "lookout:", "Prefix of every Redis key and channel")
    public static let redisCommandTimeout = Setting(
        "LOOKOUT_REDIS_COMMAND_TIMEOUT", yaml: "redis.commandTimeout", default: "5",
        "Seconds a Redis reply may take before the connection is dropped")
    public static let httpHost = Setting(
        "LOOKOUT_HTTP_HOST", yaml: "http.host", default: "127.0.0.1", "Address the gateway listens on, and a worker's `/healthz`, `/readyz`, `/metrics`")
    public static let httpPort = Setting(
        "LOOKOUT_HTTP_PORT", yaml: "http.port", default: "8080", "Port the gateway listens on (0: any free port)")
    public static let workerHTTPPort = Setting(
        "LOOKOUT_WORKER_HTTP_PORT", yaml: "worker.httpPort", default: "9091",
        "Port a `lookout worker` process serves `/healthz`, `/readyz` and `/metrics` on (0: any free port, logged); one per process, so workers sharing a host need one each")
    public static let heartbeatInterval = Setting(
        "LOOKOUT_HEARTBEAT_INTERVAL", yaml: "presence.heartbeatInterval", default: "10",
        "Seconds between NVR heartbeats; silent for 1.5 intervals means offline")
    public static let allowHostnameOnlyAuth = Setting(
        "LOOKOUT_ALLOW_HOSTNAME_ONLY_AUTH", yaml: "presence.allowHostnameOnlyAuth", default: "false",
        "Removed: `true` stops the process with a configuration error. Hostname-only auth is a per-NVR flag now (`lookout nvr add --hostname-only-auth`, `hostnameOnlyAuth` in `/api/nvr`)")
    public static let wsMaxMessageSize = Setting(
        "LOOKOUT_WS_MAX_MESSAGE", yaml: "presence.maxMessageSize", default: "65536",
        "Largest WebSocket message in bytes; larger ones close the socket with 1009")
    public static let wsPingInterval = Setting(
        "LOOKOUT_WS_PING_INTERVAL", yaml: "presence.pingInterval", default: "30",
        "Seconds between the gateway's WebSocket pings to dashboards, which find dead dashboard sockets (NVRs are watched by their heartbeats and get no pings); a ping unanswered by the next one closes the socket with 1001; 0: none")
    public static let flapGrace = Setting(
        "LOOKOUT_FLAP_GRACE", yaml: "presence.flapGrace", default: "30",
        "Seconds an NVR must stay offline before it raises an alert (shorter flaps are only recorded)")
    public static let hlsBaseURL = Setting(
        "LOOKOUT_HLS_BASE_URL", yaml: "http.hlsBaseUrl", default: "http://127.0.0.1:8888",
        "MediaMTX's HLS address as browsers reach it; a camera plays at `<base>/<mediamtx_path>/index.m3u8`")
    public static let corsOrigins = Setting(
        "LOOKOUT_CORS_ORIGINS", yaml: "http.corsOrigins", default: "",
        "Comma-separated origins (`https://ops.example.com`) whose pages may call the HTTP API; `*` for any; empty: none")
    public static let apiMaxBodySize = Setting(
        "LOOKOUT_API_MAX_BODY", yaml: "http.maxBodySize", default: "65536",
        "Largest HTTP request body in bytes; a larger one gets 413")
    public static let authFailureLimit = Setting(
        "LOOKOUT_AUTH_FAILURE_LIMIT", yaml: "http.authFailureLimit", default: "10",
        "Failed API-key attempts a client address may make per minute; then it gets 429 with Retry-After")
    public static let headerTimeout = Setting(
        "LOOKOUT_HTTP_HEADER_TIMEOUT", yaml: "http.headerTimeout", default: "10",
        "Seconds a new connection has to send its whole first request head (HTTP or the `/ws` upgrade); then it is closed without an answer")
    public static let idleTimeout = Setting(
        "LOOKOUT_HTTP_IDLE_TIMEOUT", yaml: "http.idleTimeout", default: "60",
        "Seconds a keep-alive HTTP connection may stay without a request (or a body without a byte) before it is closed; `/ws` sockets have their own timeouts")
    public static let maxConnections = Setting(
        "LOOKOUT_MAX_CONNECTIONS", yaml: "http.maxConnections", default: "30000",
        "Open connections (HTTP and `/ws`) the gateway holds at most; one more is answered 503 `too_many_connections` and closed. Kept under the open-file limit; 0: no cap")
    public static let maxConnectionsPerAddress = Setting(
        "LOOKOUT_MAX_CONNECTIONS_PER_ADDRESS", yaml: "http.maxConnectionsPerAddress", default: "1000",
        "Open connections from one client address (an IPv6 /64) at most; a trusted proxy is exempt; one more is answered 503 and closed; 0: no cap")
    public static let drainWindow = Setting(
        "LOOKOUT_DRAIN_WINDOW", yaml: "http.drainWindow", default: "10",
        "Seconds a stopping gateway (SIGTERM) spreads its NVR sockets' closes (1012) over, after turning `/readyz` to 503; the NVRs reconnect through the load balancer without being recorded offline; 0: all at once. The process may take this + 30 s to stop")
    public static let trustedProxies = Setting(
        "LOOKOUT_TRUSTED_PROXIES", yaml: "http.trustedProxies", default: "",
        "Comma-separated addresses or CIDR networks (`10.0.0.0/8`, `fd00::/8`) of load balancers whose `X-Forwarded-For` names the client; empty: the header is ignored")
    public static let hlsScriptIntegrity = Setting(
        "LOOKOUT_HLS_JS_INTEGRITY", yaml: "http.hlsJsIntegrity", default: "sha384-V5ruNBgmYcC3SJRUQeNykAAAgde5gOFq/Hu0CZj7bygDP0yRIhkvX8+w0u/7mRvr",
        "Subresource-integrity hash the browser checks hls.js against (the default is hls.js 1.5.20's `hls.min.js`); change it with `LOOKOUT_HLS_JS_URL`; `none`: no check (not recommended)")
    public static let hlsScriptURL = Setting(
        "LOOKOUT_HLS_JS_URL", yaml: "http.hlsJsUrl", default: "https://cdn.jsdelivr.net/npm/hls.js@1.5.20/dist/hls.min.js",
        "Where the dashboard page loads hls.js from (its origin is allowed in the page's CSP)")
    public static let logLevel = Setting(
        "LOG_LEVEL", yaml: "log.level", default: "info", "trace, debug, info, notice, warning, error or critical")

    /// Every setting, in the order the README lists them.
    public static let all: [Setting] = [
        .redisURL, .databaseURL, .keyPrefix, .redisCommandTimeout, .httpHost, .httpPort, .workerHTTPPort, .heartbeatInterval,
        .allowHostnameOnlyAuth, .wsMaxMessageSize, .wsPingInterval, .flapGrace, .hlsBaseURL, .corsOrigins, .apiMaxBodySize, .authFailureLimit,
        .headerTimeout, .idleTimeout, .maxConnections, .maxConnectionsPerAddress, .drainWindow, .trustedProxies, .hlsScriptURL, .hlsScriptIntegrity, .playbackKeys,
        .playbackTokenTTL, .logLevel,
    ] + streams + alerts
}
