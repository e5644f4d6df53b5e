public import AsyncHTTPClient
public import Logging
import LookoutCore
public import LookoutRedis

/// The Hik-Connect for Teams OpenAPI client (`shared/reference/hik-connect-openapi.md`).
///
/// - One token per account, cached in Redis (`keys.hikToken`) and shared by every process;
///   at most one login in flight per process and, through a Redis lock, per account.
/// - Calls go to the login's `areaDomain` with the header `Token`. When the cloud refuses the
///   token (`OPEN000006`/`OPEN000007`) the client logs in again once and retries the call once.
/// - Every HTTP request, `token/get` included, takes a slot of the account-wide rate limit
///   (`HikRateLimiter`, Redis) and passes the per-process `HikCircuitBreaker`.
/// - Business errors are typed (`HikConnectError.code`) and never retried here: a device that is
///   offline costs exactly one request. Retrying later is the caller's policy.
/// - Logs carry paths, ids and error codes; never tokens, secrets or stream URLs.
public final class HikConnectClient: Sendable {
    public let configuration: HikConnectConfiguration
    public let rateLimiter: HikRateLimiter
    public let circuitBreaker: HikCircuitBreaker
    let tokens: HikTokenStore
    let transport: HikTransport
    let logger: Logger

    public init(configuration: HikConnectConfiguration, redis: RedisClient, httpClient: HTTPClient = .shared, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        rateLimiter = HikRateLimiter(
            redis: redis, key: configuration.keys.hikRateLimit, backoffKey: configuration.keys.hikRateLimitBackoff, rateLimit: configuration.rateLimit, logger: logger)
        circuitBreaker = HikCircuitBreaker(configuration: configuration.circuitBreaker, logger: logger)
        transport = HikTransport(
            httpClient: httpClient, limiter: rateLimiter, breaker: circuitBreaker, timeout: configuration.requestTimeout, logger: logger)
        tokens = HikTokenStore(login: HikLogin(configuration: configuration, redis: redis, transport: transport, logger: logger))
    }

    /// Calls one authenticated OpenAPI path (e.g. `/api/hccgw/resource/v1/devices/get`) and
    /// returns the envelope's `data`. The typed methods are built on this.
    public func call(_ path: String, body: HikJSON) async throws(HikConnectError) -> HikJSON {
        let token = try await tokens.current()
        do {
            return try await transport.post(baseURL: token.areaDomain, path: path, body: body, token: token.accessToken)
        } catch  where error.callsForRelogin {
            logger.notice(
                "Hik-Connect token refused; logging in again",
                metadata: ["lookout.hik.path": "\(path)", "lookout.hik.error_code": "\(error.errorCode ?? "HTTP 401")"])
            let fresh = try await tokens.replace(token)
            return try await transport.post(baseURL: fresh.areaDomain, path: path, body: body, token: fresh.accessToken)
        }
    }

    /// Makes sure a usable token exists (from Redis or a login), e.g. at startup to fail fast
    /// on bad credentials.
    public func authenticate() async throws(HikConnectError) {
        _ = try await tokens.current()
    }
}
