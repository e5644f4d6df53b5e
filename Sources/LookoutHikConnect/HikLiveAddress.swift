import LookoutCore

/// A live RTMP address from `live/address/get`.
///
/// `url` carries a signature that lets anyone pull the stream: it is a secret. `description`
/// redacts it, so interpolating the value into a log line is safe; never log `url` itself.
public struct HikLiveAddress: Sendable, Hashable, Codable, CustomStringConvertible, CustomDebugStringConvertible {
    /// `data.id`: new on every call, unique per URL.
    public var id: String
    /// `rtmp://…?expire=…&id=…&t=<signature>`. Secret.
    public var url: String
    /// When the URL stops working: absolute Unix **milliseconds** (the cloud's `expireTime`).
    public var expiresAt: Int64

    public init(id: String, url: String, expiresAt: Int64) {
        self.id = id
        self.url = url
        self.expiresAt = expiresAt
    }

    public var description: String { "HikLiveAddress(id: \(id), url: <redacted>, expiresAt: \(expiresAt))" }
    public var debugDescription: String { description }
}

extension HikLiveAddress {
    /// Reads `data`; `expireTime` is Unix ms (a number or a numeric string). A value small
    /// enough to be seconds is scaled; without one, the URL's `expire=<seconds>` is used. Either
    /// is range-checked (``HikExpiry``): a time not in the future is an `.invalidResponse`.
    init(data: HikJSON, now: Int64 = unixMillis()) throws(HikConnectError) {
        guard let url = data["url"]?.string, !url.isEmpty else {
            throw HikConnectError(.invalidResponse, "live/address/get: data.url missing")
        }
        let expiresAt: Int64
        if let value = data["expireTime"]?.int64 {
            expiresAt = try HikExpiry.unixMillis(value, now: now, field: "live/address/get: data.expireTime")
        } else if let seconds = Self.queryValue("expire", in: url).flatMap({ Int64($0) }) {
            expiresAt = try HikExpiry.unixMillis(seconds, now: now, field: "live/address/get: the URL's expire")
        } else {
            throw HikConnectError(.invalidResponse, "live/address/get: data.expireTime missing")
        }
        self.init(id: data["id"]?.string ?? Self.queryValue("id", in: url) ?? "", url: url, expiresAt: expiresAt)
    }

    static func queryValue(_ name: String, in url: String) -> String? {
        guard let query = url.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0] == name { return String(parts[1]) }
        }
        return nil
    }
}
