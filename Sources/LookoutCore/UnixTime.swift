import Foundation

/// Wall-clock Unix milliseconds: the time unit of presence events, liveness and notifications.
public func unixMillis() -> Int64 {
    Int64((Date().timeIntervalSince1970 * 1000).rounded())
}

extension Duration {
    /// Whole milliseconds, rounded down.
    public var inMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
