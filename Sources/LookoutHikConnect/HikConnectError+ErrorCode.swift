extension HikConnectError {
    /// Maps a business `errorCode` from the OpenAPI reference (§3, §5, §6) to a typed error.
    /// Unknown codes become `.other` and keep their text.
    public init(errorCode: String, message: String?) {
        self.init(Self.code(for: errorCode), errorCode: errorCode, message ?? errorCode)
    }

    static func code(for errorCode: String) -> Code {
        switch errorCode {
        case "EVZ20007", "OPEN000550": .deviceOffline
        case "OPEN000503", "EVZ20002", "EVZ20018": .notFound
        case "EVZ60019": .encrypted
        case "EVZ10029", "OPEN000027": .rateLimited
        case "OPEN000001", "OPEN300002", "OPEN000010": .badCredentials
        case "OPEN000005", "OPEN000006", "OPEN000007": .tokenInvalid
        case "EVZ20008": .timeout
        case "OPEN000008", "EVZ10001": .invalidRequest
        default: .other
        }
    }

    /// Whether a fresh token may fix it: re-login once and retry once.
    var callsForRelogin: Bool { code == .tokenInvalid }
}
