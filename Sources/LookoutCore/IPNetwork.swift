import Foundation

/// An IP address as bytes (4 for IPv4, 16 for IPv6; an IPv4-mapped IPv6 address is its IPv4
/// address), and a network of them (`10.0.0.0/8`, `fd00::/8`, a single address): what the
/// trusted-proxy setting lists, and what connection caps and failed-auth limits group by.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    public let prefix: [UInt8]
    public let bits: Int

    /// `address/bits` or a bare address (all its bits); nil if it is not one.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bytes = Self.bytes(of: parts[0]) else { return nil }
        var bits = bytes.count * 8
        if parts.count == 2 {
            // An IPv4-mapped network (::ffff:10.0.0.0/104) counts in IPv6 bits as written.
            let mapped = parts[0].contains(":") && bytes.count == 4
            guard let given = Int(parts[1]), (0...(mapped ? 128 : bits)).contains(given), !mapped || given >= 96 else { return nil }
            bits = mapped ? given - 96 : given
        }
        self.init(bytes: bytes, bits: bits)
    }

    public init(bytes: [UInt8], bits: Int) {
        self.bits = bits
        prefix = Self.masked(bytes, bits: bits)
    }

    /// Loopback: 127.0.0.0/8 (also IPv4-mapped) and ::1.
    public static let loopback: [IPNetwork] = [IPNetwork(bytes: [127, 0, 0, 0], bits: 8), IPNetwork(bytes: Array(repeating: 0, count: 15) + [1], bits: 128)]

    /// Whether `text` is a loopback address (false for anything that is not an address).
    public static func isLoopback(_ text: some StringProtocol) -> Bool {
        guard let bytes = bytes(of: text) else { return false }
        return loopback.contains { $0.contains(bytes) }
    }

    public func contains(_ address: [UInt8]) -> Bool {
        address.count == prefix.count && Self.masked(address, bits: bits) == prefix
    }

    /// `10.0.0.0/8`, `2001:db8::/64`; a single address without `/bits`.
    public var description: String {
        var text = [CChar](repeating: 0, count: 64)
        let family = prefix.count == 4 ? AF_INET : AF_INET6
        _ = prefix.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &text, socklen_t(text.count)) }
        let address = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return bits == prefix.count * 8 ? address : "\(address)/\(bits)"
    }

    /// The address's bytes: 4 for IPv4 (and IPv4-mapped IPv6), 16 for IPv6; nil if it is not a
    /// plain address (zone ids, ports and names are not). `[…]` around IPv6 is accepted.
    public static func bytes(of text: some StringProtocol) -> [UInt8]? {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        guard !text.isEmpty, text.count <= 45 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, String(text), &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, String(text), &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        return bytes.prefix(12).elementsEqual(Array(repeating: 0, count: 10) + [0xff, 0xff]) ? Array(bytes.suffix(4)) : bytes
    }

    /// What limits count an address as: an IPv6 address's /64 (one host gets a whole /64 and
    /// can take a new address for every attempt), an IPv4 address as itself (also written
    /// IPv4-mapped). Anything that is not an address stays as it is.
    public static func limitGroup(_ address: String) -> String {
        guard let bytes = bytes(of: address) else { return address }
        return IPNetwork(bytes: bytes, bits: bytes.count == 16 ? 64 : 32).description
    }

    private static func masked(_ bytes: [UInt8], bits: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let kept = min(max(bits - index * 8, 0), 8)
            return kept == 8 ? byte : byte & ~(0xff >> UInt8(kept))
        }
    }
}
