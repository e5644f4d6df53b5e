import Foundation

/// What a WebSocket client sends to the gateway. The first message decides the role:
/// `auth` makes an NVR agent, `dashboard` a dashboard. See docs/protocol.md.
public enum ClientMessage: Sendable, Equatable {
    /// `{"type":"auth","hostname":"…","token":"…"}`; old agents omit the token.
    case auth(hostname: String, token: String?)
    /// `{"type":"heartbeat"}`.
    case heartbeat
    /// `{"type":"dashboard","token":"…","lastSeq":N,"epoch":"…"}`; `lastSeq` and `epoch` (of
    /// the last notification seen) only when reconnecting.
    case dashboard(token: String, lastSeq: Int64?, epoch: String? = nil)

    /// Every field any message has; unknown fields are ignored, as agents may add their own.
    private struct Envelope: Decodable {
        var type: String
        var hostname: String?
        var token: String?
        var lastSeq: Int64?
        var epoch: String?
    }

    /// Parses one text frame; every failure names what is wrong in a `ProtocolError`.
    public static func decode(_ text: String) throws(ProtocolError) -> ClientMessage {
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: Data(text.utf8))
        } catch let DecodingError.keyNotFound(key, _) {
            throw ProtocolError(.invalidMessage, "field '\(key.stringValue)' is missing")
        } catch let DecodingError.typeMismatch(_, context) where !context.codingPath.isEmpty {
            throw ProtocolError(.invalidMessage, "field '\(context.codingPath[0].stringValue)' has the wrong type")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw ProtocolError(.invalidMessage, "field '\(context.codingPath[0].stringValue)' is out of range")
        } catch {
            throw ProtocolError(.invalidJSON, "message is not a JSON object")
        }
        switch envelope.type {
        case "auth":
            guard let hostname = envelope.hostname else { throw ProtocolError(.invalidMessage, "field 'hostname' is missing") }
            guard !hostname.isEmpty, hostname.utf8.count <= 255 else {
                throw ProtocolError(.invalidMessage, "field 'hostname' must be 1-255 bytes")
            }
            return .auth(hostname: Hostname.normalized(hostname), token: envelope.token?.isEmpty == true ? nil : envelope.token)
        case "heartbeat":
            return .heartbeat
        case "dashboard":
            guard let token = envelope.token, !token.isEmpty else { throw ProtocolError(.invalidMessage, "field 'token' is missing") }
            if let lastSeq = envelope.lastSeq, lastSeq < 0 { throw ProtocolError(.invalidMessage, "field 'lastSeq' must not be negative") }
            if let epoch = envelope.epoch, !isEpoch(epoch) {
                throw ProtocolError(.invalidMessage, "field 'epoch' must be 1-64 letters, digits, '-' or '_'")
            }
            return .dashboard(token: token, lastSeq: envelope.lastSeq, epoch: envelope.epoch)
        default:
            throw ProtocolError(.unknownType, "unknown message type '\(envelope.type.prefix(64))'")
        }
    }

    /// A notification feed epoch as the gateway sends it (it makes 12 hex digits).
    private static func isEpoch(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64 && text.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "_" }
    }
}
