/// A snapshot from `device/capturePic`.
///
/// `url` is a signed download link: treat it as a secret (`description` redacts it).
public struct HikPicture: Sendable, Hashable, Codable, CustomStringConvertible, CustomDebugStringConvertible {
    /// `data.captureUrl`. Secret.
    public var url: String
    /// `data.isEncrypted == 1`: the bytes start with `hikencodepicture` and need the device key.
    public var isEncrypted: Bool
    /// When this client received the answer: Unix milliseconds, local clock.
    public var capturedAt: Int64

    public init(url: String, isEncrypted: Bool, capturedAt: Int64) {
        self.url = url
        self.isEncrypted = isEncrypted
        self.capturedAt = capturedAt
    }

    public var description: String { "HikPicture(url: <redacted>, isEncrypted: \(isEncrypted), capturedAt: \(capturedAt))" }
    public var debugDescription: String { description }
}
