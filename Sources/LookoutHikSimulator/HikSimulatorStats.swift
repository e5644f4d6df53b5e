/// What the simulated cloud saw, as `GET /sim/stats` returns it.
public struct HikSimulatorStats: Sendable, Hashable, Codable {
    /// API requests received (control endpoints excluded), rate-limited ones included.
    public var requests = 0
    /// The most API requests that arrived within any 1-second window.
    public var maxPerSecond = 0
    /// Requests answered with the rate-limit error.
    public var rateLimited = 0
    /// Successful `token/get` calls.
    public var logins = 0
    /// Requests refused for a missing, unknown, expired or revoked token.
    public var tokenRejections = 0
    public var liveAddressesIssued = 0
    public var picturesIssued = 0
    /// Injected HTTP 5xx answers.
    public var injectedFailures = 0
    /// Requests per API path.
    public var byPath: [String: Int] = [:]

    public init() {}
}
