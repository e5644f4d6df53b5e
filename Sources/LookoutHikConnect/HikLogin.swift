import Logging
import LookoutCore
import LookoutRedis

/// Gets a usable token for the account with as few `token/get` calls as possible across all
/// processes: take the one cached in Redis; otherwise take a short Redis lock, log in, cache
/// the token (TTL until its refresh time) and release the lock. Processes that find the lock
/// taken poll the cache until the winner's token appears.
struct HikLogin: Sendable {
    let configuration: HikConnectConfiguration
    let redis: RedisClient
    let transport: HikTransport
    let logger: Logger

    static let path = "/api/hccgw/platform/v1/token/get"
    /// Deletes the lock only when this process still owns it.
    static let releaseScript = RedisScript(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0")
    static let pollInterval = Duration.milliseconds(50)

    var tokenKey: String { configuration.keys.hikToken }
    var lockKey: String { configuration.keys.hikToken + ":login" }

    /// A token that is usable and is not `rejected` (a token the cloud just refused).
    func obtain(rejecting rejected: String?) async throws(HikConnectError) -> HikAccessToken {
        if let cached = try await cachedToken(rejecting: rejected) { return cached }
        let owner = "\(UInt64.random(in: .min ... .max))"
        let deadline = ContinuousClock.now + configuration.loginLockTimeout * 2
        while ContinuousClock.now < deadline {
            let locked = try await redisCall { () async throws(RedisError) -> Bool in
                try await redis.set(lockKey, owner, ttl: configuration.loginLockTimeout, condition: .ifNotExists)
            }
            if locked {
                let result: Result<HikAccessToken, HikConnectError>
                do throws(HikConnectError) {
                    if let cached = try await cachedToken(rejecting: rejected) {
                        result = .success(cached)
                    } else {
                        result = .success(try await login())
                    }
                } catch {
                    result = .failure(error)
                }
                _ = try? await redis.eval(Self.releaseScript, keys: [lockKey], arguments: [owner])
                return try result.get()
            }
            do { try await Task.sleep(for: Self.pollInterval) } catch { throw HikConnectError(.cancelled, "cancelled while waiting for a login") }
            if let cached = try await cachedToken(rejecting: rejected) { return cached }
        }
        logger.warning("Login lock held too long; logging in without it")
        return try await login()
    }

    /// Calls `token/get` and caches the result for every process.
    private func login() async throws(HikConnectError) -> HikAccessToken {
        let body: HikJSON = ["appKey": .string(configuration.appKey), "secretKey": .string(configuration.secretKey)]
        let data: HikJSON
        do {
            data = try await transport.post(baseURL: configuration.regionBaseURL, path: Self.path, body: body, token: nil)
        } catch {
            var metadata: Logger.Metadata = ["lookout.hik.error": "\(error.code)"]
            if let errorCode = error.errorCode { metadata["lookout.hik.error_code"] = "\(errorCode)" }
            logger.error("Hik-Connect login failed", metadata: metadata)
            throw error
        }
        let token = try HikAccessToken(data: data, margin: configuration.tokenRefreshMargin)
        let ttl = Duration.milliseconds(max(1000, token.refreshAt - unixMillis()))
        _ = try await redisCall { () async throws(RedisError) -> Bool in try await redis.set(tokenKey, token.json, ttl: ttl) }
        logger.info(
            "Hik-Connect login done", metadata: ["lookout.hik.area_domain": "\(token.areaDomain)", "lookout.hik.expires_at": "\(token.expiresAt)"])
        return token
    }

    private func cachedToken(rejecting rejected: String?) async throws(HikConnectError) -> HikAccessToken? {
        guard let json = try await redisCall({ () async throws(RedisError) -> String? in try await redis.get(tokenKey) }),
            let token = HikAccessToken(json: json),
            token.isUsable(), token.accessToken != rejected
        else { return nil }
        return token
    }

    private func redisCall<T>(_ body: () async throws(RedisError) -> T) async throws(HikConnectError) -> T {
        do { return try await body() } catch { throw HikConnectError(.redis, "token cache: \(error)") }
    }
}
