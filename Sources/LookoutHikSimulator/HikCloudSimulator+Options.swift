extension HikCloudSimulator {
    /// What the simulated cloud holds and how it behaves. Every switch can also be flipped at
    /// run time (`HikSimulatorControl.update`, `POST /sim/options`). Defaults follow the
    /// reference's "default first" choices (§9).
    public struct Options: Sendable, Hashable, Codable {
        public var host = "127.0.0.1"
        /// 0 picks a free port; `HikCloudSimulator.baseURL` tells which.
        public var port = 0
        /// The inventory: `devices` NVRs with `channels` cameras each, ids derived from `seed`.
        public var devices = 4
        public var channels = 4
        public var seed: UInt64 = 1

        public var appKey = "sim-app-key"
        public var secretKey = "sim-secret-key"
        /// What `token/get` answers as `areaDomain`; nil: this simulator's own base URL.
        public var areaDomain: String?
        public var tokenLifetimeSeconds = 604_800
        /// `token/get` within a token's life: false re-issues the same token with a new expiry.
        public var newTokenOnRefresh = false
        /// Auth failures as HTTP 401 (same envelope) instead of HTTP 200.
        public var authFailuresAsHTTP401 = false

        /// Requests allowed in any 1-second window; beyond it the answer is `rateLimitErrorCode`.
        public var rateLimitPerSecond = 5
        public var enforceRateLimit = true
        public var rateLimitErrorCode = "EVZ10029"

        /// `type` other than "1" with RTMP: false rejects with `parameterErrorCode`.
        public var lenientType = false
        public var parameterErrorCode = "OPEN000008"
        /// Stream encryption on every device (`EVZ60019` for RTMP/HLS).
        public var encryption = false
        /// Added before every API answer.
        public var latencyMilliseconds = 0
        /// At most this long (uniformly random) between a request coming in and its arrival
        /// being counted against the rate limit: a request that is slow to reach the cloud (a
        /// loaded client machine, a slow network). 0: counted at once.
        public var arrivalDelayMilliseconds = 0
        /// `host[:port]` the RTMP URLs point at (port 1935 when omitted).
        public var rtmpHost = "127.0.0.1"
        /// Lifetime of every new live URL; nil: what the request asks (7 days when it asks nothing).
        public var urlLifetimeSeconds: Int?
        /// Send numbers as strings and numeric strings as numbers, to test lenient clients.
        public var numbersAsStrings = false
        /// Every API request gets this HTTP 5xx with no envelope while set (an outage); nil: none.
        public var failStatus: Int?
        /// Every API request gets the rate-limit answer while true (a 429 storm).
        public var rateLimitStorm = false

        public init() {}
    }
}
