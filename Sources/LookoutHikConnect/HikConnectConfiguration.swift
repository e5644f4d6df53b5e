public import LookoutCore

/// Everything `HikConnectClient` needs: credentials, where to log in, and its limits.
/// `description` never shows the secret key.
public struct HikConnectConfiguration: Sendable, CustomStringConvertible {
    public var appKey: String
    /// Secret. Sent only in the `token/get` body; never logged.
    public var secretKey: String
    /// Where `token/get` goes, e.g. `https://isgp.hikcentralconnect.com` or a simulator's
    /// `http://127.0.0.1:PORT`. Every later call goes to the `areaDomain` the login returns.
    public var regionBaseURL: String
    /// Per HTTP request, connect to last body byte.
    public var requestTimeout: Duration
    /// The account-wide limit, shared by every process through Redis.
    public var rateLimit: HikRateLimit
    public var circuitBreaker: HikCircuitBreaker.Configuration
    /// A cached token is dropped this long before its `expireTime`, so no call uses a dying token.
    public var tokenRefreshMargin: Duration
    /// How long one process may hold the login lock before others log in themselves.
    public var loginLockTimeout: Duration
    /// `hikToken` and `hikRateLimit` come from here; every process of one account must share them.
    public var keys: RedisKeys
    /// `pageSize` for `areas/cameras/get` and `devices/get` (the cloud allows 1–500).
    public var pageSize: Int

    public init(
        appKey: String,
        secretKey: String,
        regionBaseURL: String,
        requestTimeout: Duration = .seconds(10),
        rateLimit: HikRateLimit = HikRateLimit(),
        circuitBreaker: HikCircuitBreaker.Configuration = .init(),
        tokenRefreshMargin: Duration = .seconds(3600),
        loginLockTimeout: Duration = .seconds(15),
        keys: RedisKeys = RedisKeys(),
        pageSize: Int = 500
    ) {
        self.appKey = appKey
        self.secretKey = secretKey
        self.regionBaseURL = regionBaseURL
        self.requestTimeout = requestTimeout
        self.rateLimit = rateLimit
        self.circuitBreaker = circuitBreaker
        self.tokenRefreshMargin = tokenRefreshMargin
        self.loginLockTimeout = loginLockTimeout
        self.keys = keys
        self.pageSize = pageSize
    }

    public var description: String {
        "HikConnectConfiguration(appKey: \(appKey), secretKey: <redacted>, regionBaseURL: \(regionBaseURL), rateLimit: \(rateLimit))"
    }
}
