import Crypto
import Foundation

/// Seals camera stream URLs (`cameras.stream_url`, `cameras.pending_stream_url`) with AES-256-GCM,
/// so a database dump or backup does not hand out camera access: a signed RTMP URL lets anyone
/// pull the stream until it expires (up to 7 days).
///
/// A sealed value is text: `sealed:v1:<key id>:<base64 of nonce ‖ ciphertext ‖ tag>`, so it
/// fits the existing `text` columns and names the key that opens it. The camera's id and the key
/// id are the associated data: a value copied to another camera's row does not open.
///
/// **Keys.** ``current`` seals; every key in ``keys`` (the current one and the old ones) opens.
/// Rotation: make a new key current, keep the old one among the old keys, run
/// `lookout secrets rotate` (re-seals every row under the current key), then drop the old key.
///
/// **Plaintext rows** (written before sealing existed) are read as they are, so an upgrade does
/// not stop a single stream; `lookout secrets rotate` seals them, and the MediaMTX sync warns
/// while any are left. Nothing in this type ever puts a URL into an error or a log line.
public struct StreamURLCipher: Sendable {
    /// One named 256-bit key.
    public struct Key: Sendable {
        public let id: String
        let material: SymmetricKey

        /// `id` of `[A-Za-z0-9_-]{1,32}`, `material` 32 bytes.
        public init(id: String, material: [UInt8]) throws(StreamURLCipherError) {
            guard Self.isValidID(id) else { throw StreamURLCipherError(.badKey, "a key id must be 1 to 32 of A-Z a-z 0-9 _ -") }
            guard material.count == 32 else { throw StreamURLCipherError(.badKey, "key '\(id)' must be 32 bytes, got \(material.count)") }
            self.id = id
            self.material = SymmetricKey(data: material)
        }

        /// `<id>:<base64 of 32 bytes>`, as the settings hold it. The error never quotes the text.
        public init(setting text: String) throws(StreamURLCipherError) {
            let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw StreamURLCipherError(.badKey, "a key must be written <id>:<base64 of 32 bytes>") }
            guard let bytes = Data(base64Encoded: parts[1]) else {
                throw StreamURLCipherError(.badKey, "key '\(Self.isValidID(parts[0]) ? parts[0] : "?")' is not valid base64")
            }
            try self.init(id: parts[0], material: Array(bytes))
        }

        /// A new random key, written as the settings take it (`lookout secrets generate-key`).
        public static func generateSetting(id: String) throws(StreamURLCipherError) -> String {
            let key = try Key(id: id, material: Array(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }))
            return key.id + ":" + key.material.withUnsafeBytes { Data($0).base64EncodedString() }
        }

        static func isValidID(_ id: String) -> Bool {
            (1...32).contains(id.count)
                && id.unicodeScalars.allSatisfy { scalar in
                    switch scalar {
                    case "0"..."9", "A"..."Z", "a"..."z", "_", "-": true
                    default: false
                    }
                }
        }
    }

    static let prefix = "sealed:v1:"

    /// The key new values are sealed with.
    public let current: Key
    /// Every key that opens values, by id (the current one included).
    let keys: [String: Key]

    public init(current: Key, old: [Key] = []) throws(StreamURLCipherError) {
        var keys: [String: Key] = [:]
        for key in [current] + old {
            guard keys[key.id] == nil else { throw StreamURLCipherError(.badKey, "key id '\(key.id)' is given twice") }
            keys[key.id] = key
        }
        self.current = current
        self.keys = keys
    }

    /// The ids of the keys that open values, current first.
    public var keyIDs: [String] { [current.id] + keys.keys.filter { $0 != current.id }.sorted() }

    /// Whether `stored` is a sealed value (not a plaintext URL from before sealing).
    public static func isSealed(_ stored: String) -> Bool { stored.hasPrefix(prefix) }

    /// Whether `stored` is sealed with the current key (rotation leaves it alone).
    public func isSealedWithCurrentKey(_ stored: String) -> Bool {
        stored.hasPrefix(Self.prefix + current.id + ":")
    }

    /// `url` sealed with the current key for camera `cameraID`.
    public func seal(_ url: String, cameraID: Int64) throws(StreamURLCipherError) -> String {
        let box: AES.GCM.SealedBox
        do {
            box = try AES.GCM.seal(Array(url.utf8), using: current.material, authenticating: Self.associatedData(current.id, cameraID))
        } catch {
            throw StreamURLCipherError(.sealFailed, "stream URL of camera \(cameraID) could not be sealed")
        }
        guard let combined = box.combined else { throw StreamURLCipherError(.sealFailed, "stream URL of camera \(cameraID) could not be sealed") }
        return Self.prefix + current.id + ":" + combined.base64EncodedString()
    }

    /// The URL in `stored` (sealed, or plaintext from before sealing) of camera `cameraID`.
    public func open(_ stored: String, cameraID: Int64) throws(StreamURLCipherError) -> String {
        guard Self.isSealed(stored) else { return stored }
        let rest = stored.dropFirst(Self.prefix.count)
        guard let colon = rest.firstIndex(of: ":") else {
            throw StreamURLCipherError(.malformed, "stream URL of camera \(cameraID) is not a sealed value")
        }
        let id = String(rest[..<colon])
        guard let key = keys[id] else {
            throw StreamURLCipherError(
                .unknownKey,
                "stream URL of camera \(cameraID) is sealed with key '\(Key.isValidID(id) ? id : "?")', which is not configured (configured: \(keyIDs.joined(separator: ", ")))"
            )
        }
        guard let combined = Data(base64Encoded: String(rest[rest.index(after: colon)...])) else {
            throw StreamURLCipherError(.malformed, "stream URL of camera \(cameraID) is not a sealed value")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            let bytes = try AES.GCM.open(box, using: key.material, authenticating: Self.associatedData(id, cameraID))
            return String(decoding: bytes, as: UTF8.self)
        } catch {
            throw StreamURLCipherError(
                .wrongKey, "stream URL of camera \(cameraID) does not open with key '\(id)' (other key material under that id, or an altered or moved value)")
        }
    }

    /// The current key sealing of `stored` (plaintext or another key), or nil when it is current already.
    public func resealed(_ stored: String, cameraID: Int64) throws(StreamURLCipherError) -> String? {
        guard !isSealedWithCurrentKey(stored) else { return nil }
        return try seal(try open(stored, cameraID: cameraID), cameraID: cameraID)
    }

    static func associatedData(_ keyID: String, _ cameraID: Int64) -> [UInt8] {
        Array("lookout:cameras.stream_url:v1:\(keyID):\(cameraID)".utf8)
    }
}

/// Why a stream URL could not be sealed or opened. Its message names the camera and the key
/// id, never the URL or key material.
public struct StreamURLCipherError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// A key setting is malformed.
        public static var badKey: Self { .init("badKey") }
        /// The value names a key id that is not configured.
        public static var unknownKey: Self { .init("unknownKey") }
        /// The key with that id does not open the value (other material, or an altered value).
        public static var wrongKey: Self { .init("wrongKey") }
        /// The value starts like a sealed one but is not.
        public static var malformed: Self { .init("malformed") }
        public static var sealFailed: Self { .init("sealFailed") }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
