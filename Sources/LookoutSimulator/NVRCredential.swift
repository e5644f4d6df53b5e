/// Who one simulated agent claims to be: a hostname and, unless hostname-only auth is used,
/// the token the gateway issued for it.
public struct NVRCredential: Sendable, Hashable {
    public var hostname: String
    public var token: String?

    public init(hostname: String, token: String?) {
        self.hostname = hostname
        self.token = token
    }

    /// `count` hostname-only credentials named `sim-nvr-0001`, `sim-nvr-0002`, …
    public static func simulated(count: Int) -> [NVRCredential] {
        (0..<max(count, 0)).map { NVRCredential(hostname: simulatedHostname($0 + 1), token: nil) }
    }

    /// `sim-nvr-` and `number`, zero-padded to at least four digits.
    static func simulatedHostname(_ number: Int) -> String {
        let digits = String(number)
        return "sim-nvr-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
