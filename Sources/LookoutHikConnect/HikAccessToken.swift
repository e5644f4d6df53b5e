import Foundation
import LookoutCore

/// A `token/get` result as cached in Redis (JSON under `keys.hikToken`) and in each process.
/// `accessToken` is a secret: `description` redacts it.
struct HikAccessToken: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `hcc.…`, sent as the `Token` header.
    var accessToken: String
    /// Where every later call goes (`data.areaDomain`).
    var areaDomain: String
    /// The cloud's `expireTime` (Unix seconds) as Unix milliseconds.
    var expiresAt: Int64
    /// When to stop using it and log in again: `expiresAt` minus the refresh margin.
    var refreshAt: Int64

    var description: String { "HikAccessToken(<redacted>, areaDomain: \(areaDomain), expiresAt: \(expiresAt))" }

    func isUsable(now: Int64 = unixMillis()) -> Bool { now < refreshAt }

    /// Reads `token/get`'s `data`. The margin shrinks to half the lifetime for short-lived
    /// tokens, so a token always gets used for a while.
    init(data: HikJSON, margin: Duration, now: Int64 = unixMillis()) throws(HikConnectError) {
        guard let accessToken = data["accessToken"]?.string, !accessToken.isEmpty else {
            throw HikConnectError(.invalidResponse, "token/get: data.accessToken missing")
        }
        guard let areaDomain = data["areaDomain"]?.string, !areaDomain.isEmpty else {
            throw HikConnectError(.invalidResponse, "token/get: data.areaDomain missing")
        }
        guard let expireTime = data["expireTime"]?.int64 else {
            throw HikConnectError(.invalidResponse, "token/get: data.expireTime missing")
        }
        // Seconds per the reference; a millisecond value is recognised by its size. Range-checked:
        // a huge or negative value from the cloud neither traps nor wraps.
        let expiresAt = try HikExpiry.unixMillis(expireTime, now: now, field: "token/get: data.expireTime")
        let lifetime = expiresAt - now
        let marginMillis = margin.microseconds / 1000
        self.init(
            accessToken: accessToken, areaDomain: areaDomain.trimmingTrailingSlash, expiresAt: expiresAt,
            refreshAt: now + max(lifetime - marginMillis, lifetime / 2))
    }

    init(accessToken: String, areaDomain: String, expiresAt: Int64, refreshAt: Int64) {
        self.accessToken = accessToken
        self.areaDomain = areaDomain
        self.expiresAt = expiresAt
        self.refreshAt = refreshAt
    }

    var json: String { String(decoding: (try? JSONEncoder().encode(self)) ?? Data(), as: UTF8.self) }

    init?(json: String) {
        guard let token = try? JSONDecoder().decode(Self.self, from: Data(json.utf8)) else { return nil }
        self = token
    }
}
