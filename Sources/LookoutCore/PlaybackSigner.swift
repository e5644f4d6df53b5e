import Crypto
import Foundation

/// Signs and checks playback credentials: short-lived, for one MediaMTX path, stateless, so any
/// gateway checks what any other signed (`docs/architecture.md`, "Playback authorization").
///
/// A credential is `<key id>.<subject>.<expiry>.<mac>`: the id of the key that signed it, the
/// API key it was issued to (for the revocation check), its expiry in Unix seconds, and
/// HMAC-SHA256 over those and the path, base64url. The path is not in the text: it is the path
/// MediaMTX asks about, so a credential for one path fails on every other. URL-safe as it is.
public struct PlaybackSigner: Sendable {
    /// One HMAC key and its id.
    public struct Key: Sendable {
        public let id: String
        let secret: SymmetricKey

        public init(id: String, secret: String) {
            self.id = id
            self.secret = SymmetricKey(data: Data(secret.utf8))
        }
    }

    /// A verified credential.
    public struct Credential: Sendable, Equatable {
        public let keyID: String
        /// The API key's id it was issued to.
        public let subject: Int64
        /// Unix seconds.
        public let expiresAt: Int64
    }

    /// Why a credential was refused (for logs and tests; MediaMTX and players learn nothing).
    public enum Refusal: Error, Equatable, Sendable {
        case malformed
        case unknownKey
        case expired
        /// Tampered, signed by another key under this id, or for another path.
        case badSignature
    }

    /// Signing keys, the first signs; every one verifies.
    public let keys: [Key]

    public init(keys: [Key]) {
        self.keys = keys
    }

    /// A credential for `path`, issued to `subject`, valid until `expiresAt` (Unix seconds).
    /// Nil when there is no key.
    public func sign(path: String, subject: Int64, expiresAt: Int64) -> String? {
        guard let key = keys.first else { return nil }
        let head = "\(key.id).\(subject).\(expiresAt)"
        return head + "." + Self.mac(head: head, path: path, key: key.secret)
    }

    /// The credential if it is well formed, signed by a known key for exactly `path`, and not
    /// expired at `now` (Unix seconds).
    public func verify(_ token: String, path: String, now: Int64) throws(Refusal) -> Credential {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= 512, parts.count == 4, let subject = Int64(parts[1]), let expiresAt = Int64(parts[2]),
            let mac = Self.base64URLDecoded(String(parts[3]))
        else { throw .malformed }
        guard let key = keys.first(where: { $0.id == parts[0] }) else { throw .unknownKey }
        let head = parts[0 ... 2].joined(separator: ".")
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Self.message(head: head, path: path), using: key.secret) else {
            throw .badSignature
        }
        guard expiresAt > now else { throw .expired }
        return Credential(keyID: key.id, subject: subject, expiresAt: expiresAt)
    }

    static func message(head: String, path: String) -> Data {
        Data("lookout-playback-v1\n\(head)\n\(path)".utf8)
    }

    static func mac(head: String, path: String, key: SymmetricKey) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: message(head: head, path: path), using: key)
        return Data(code).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func base64URLDecoded(_ text: String) -> Data? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
