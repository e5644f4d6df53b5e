import LookoutCore

/// Expiry times the cloud sends (`expireTime` of `token/get` and `live/address/get`, or a URL's
/// `expire=`), read without trusting their size: a huge or negative value must neither trap
/// (Swift's overflow check) nor wrap into a time in the past or the far future.
enum HikExpiry {
    /// The longest lifetime the OpenAPI grants a live address (`expireTime` 62,208,000 s, 720 days).
    static let maximumLifetimeMillis: Int64 = 62_208_000_000
    /// A smaller value is Unix seconds, a larger one Unix milliseconds (1e11 s is the year 5138).
    static let secondsBelow: Int64 = 100_000_000_000

    /// `value` as absolute Unix milliseconds: seconds are scaled, a time at or before `now` (or
    /// not positive) is an `.invalidResponse`, and one more than 720 days ahead is read as
    /// `now` + 720 days (renewed in time either way).
    static func unixMillis(_ value: Int64, now: Int64, field: String) throws(HikConnectError) -> Int64 {
        guard value > 0 else { throw HikConnectError(.invalidResponse, "\(field) \(value) is not a time") }
        // Below 1e11, times 1000 stays below 1e14: no overflow.
        let millis = value < secondsBelow ? value * 1000 : value
        guard millis > now else { throw HikConnectError(.invalidResponse, "\(field) \(value) is not in the future") }
        let (latest, overflow) = now.addingReportingOverflow(maximumLifetimeMillis)
        return overflow ? millis : min(millis, latest)
    }
}
