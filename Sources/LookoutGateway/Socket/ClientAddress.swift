import Foundation
import LookoutCore
import NIOCore

/// "The client's address", the one answer the failed-auth limit uses on `/api` and on `/ws`:
/// the TCP peer's IP, unless the peer is a trusted proxy (`LOOKOUT_TRUSTED_PROXIES`); then the
/// nearest address in `X-Forwarded-For` that is not itself a trusted proxy, read from the right
/// (the end each proxy appends to; everything left of it is what the client claimed). Deny by
/// default: with no trusted proxies, `X-Forwarded-For` is ignored.
struct ClientAddress: Sendable {
    let trustedProxies: [IPNetwork]

    static let unknown = "unknown"

    /// `forwardedFor`: every `X-Forwarded-For` field value, in the order received.
    func resolve(peer: SocketAddress?, forwardedFor: [String]) -> String {
        guard let peerText = peer?.ipAddress else { return Self.unknown }
        guard isTrusted(peerText) else { return peerText }
        var nearest = peerText
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            // A hop that is not an address (`unknown`, with a port, garbage) ends what can be believed.
            guard let bytes = IPNetwork.bytes(of: hop) else { break }
            nearest = IPNetwork(bytes: bytes, bits: bytes.count * 8).description
            guard trustedProxies.contains(where: { $0.contains(bytes) }) else { break }
        }
        return nearest
    }

    /// Whether the TCP peer is a trusted proxy: its `X-Forwarded-For` counts, and its own
    /// connections are not held to the per-address cap (it carries many clients).
    func isTrusted(_ peer: String) -> Bool {
        guard !trustedProxies.isEmpty, let bytes = IPNetwork.bytes(of: peer) else { return false }
        return trustedProxies.contains { $0.contains(bytes) }
    }
}
