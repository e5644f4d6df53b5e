import Foundation
import LookoutCore

/// Control messages every gateway acts on, published on the pub/sub channel
/// ``RedisKeys/gatewayControl``. Today one kind: close the connection of an NVR whose token was
/// rotated, or which was deleted or renamed, with 4006, on whichever gateway holds it.
///
/// Pub/sub may drop a message (a gateway resubscribing at that moment): the old token still
/// stops working at once, so such a connection ends at its next reconnect at the latest.
struct GatewayControl: Codable, Sendable, Equatable {
    enum Kind: String, Codable, Sendable {
        case revoke
    }

    let type: Kind
    let hostname: String
    /// `token_rotated`, `deleted` or `renamed`; for the log.
    let reason: String

    static func revoke(hostname: String, reason: String) -> GatewayControl {
        GatewayControl(type: .revoke, hostname: hostname, reason: reason)
    }

    var json: String {
        String(decoding: (try? JSONResponse.encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func decode(_ payload: String) -> GatewayControl? {
        try? JSONDecoder().decode(GatewayControl.self, from: Data(payload.utf8))
    }
}
