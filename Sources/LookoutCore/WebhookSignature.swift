import Crypto
import Foundation

/// Signs webhook bodies: `X-Lookout-Timestamp: <Unix seconds>` and
/// `X-Lookout-Signature: sha256=<hex of HMAC-SHA256(secret, "<timestamp>.<body>")>`. The
/// timestamp is inside the MAC, so a receiver that refuses timestamps older than a few minutes
/// refuses replays (docs/architecture.md, "Alerts").
public struct WebhookSignature: Sendable {
    public static let signatureHeader = "X-Lookout-Signature"
    public static let timestampHeader = "X-Lookout-Timestamp"

    let key: SymmetricKey

    public init(secret: String) {
        key = SymmetricKey(data: Data(secret.utf8))
    }

    /// `sha256=<hex>` for `body` sent at `timestamp` (Unix seconds).
    public func signature(body: [UInt8], timestamp: Int64) -> String {
        var message = Array("\(timestamp).".utf8)
        message.append(contentsOf: body)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }

    /// What a receiver does: the signature matches (compared in constant time) and the
    /// timestamp is within `tolerance` seconds of `now`.
    public func verify(body: [UInt8], timestamp: String, signature: String, now: Int64, tolerance: Int64 = 300) -> Bool {
        guard let time = Int64(timestamp), abs(now - time) <= tolerance, signature.hasPrefix("sha256="),
            let mac = Self.bytes(hex: String(signature.dropFirst(7)))
        else { return false }
        var message = Array("\(time).".utf8)
        message.append(contentsOf: body)
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message, using: key)
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: 64, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
