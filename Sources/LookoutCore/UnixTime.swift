import Foundation

/// Wall-clock Unix milliseconds: the time unit of presence events, liveness and notifications.
public func unixMillis() -> Int64 {
    Int64((Date().timeIntervalSince1970 * 1000).rounded())
}
