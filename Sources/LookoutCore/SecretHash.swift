import Crypto
import Foundation

/// NVR tokens and API keys are stored as SHA-256 hex digests, never as themselves.
/// They are long random values, so a fast hash suffices (no password stretching needed);
/// a lookup is by the hash, which also makes the comparison independent of the secret.
public enum SecretHash {
    public static func sha256Hex(_ secret: String) -> String {
        SHA256.hash(data: Array(secret.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// A new random secret: 32 bytes, base64url without padding, with a readable prefix
    /// (`nvr_`, `lk_`) so a leaked one is recognisable in a scanner.
    public static func generate(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let base64url = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return prefix + base64url
    }
}
