public import LookoutCore
import Foundation

/// The JSON text frames an agent sends and the parsing of what the gateway sends back.
/// docs/protocol.md is the contract; `ClientMessage.decode` is the gateway's parser.
public enum NVRAgentMessage {
    private struct Auth: Encodable {
        var type = "auth"
        var hostname: String
        /// Omitted from the JSON when `nil` (hostname-only auth, as old agents send it).
        var token: String?
    }

    /// `{"hostname":"…","token":"…","type":"auth"}` (keys sorted); no `token` key without a token.
    public static func auth(hostname: String, token: String?) -> String {
        let data = (try? JSONEncoder.lookout.encode(Auth(hostname: hostname, token: token))) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// `{"type":"heartbeat"}`.
    public static let heartbeat = #"{"type":"heartbeat"}"#

    private struct Inbound: Decodable {
        var type: String
        var session: String?
        var heartbeatInterval: Int?
        var code: String?
        var error: String?
        var message: String?
        var serverTime: Int64?
    }

    /// Parses a gateway frame into the `ServerMessage` it was made from. Messages an agent does
    /// not handle (dashboard messages, unknown types) come back as `.notification(json:)`;
    /// `nil` when the frame is not a JSON object with a `type` or a known type lacks a field.
    public static func decodeServerMessage(_ text: String) -> ServerMessage? {
        guard let inbound = try? JSONDecoder().decode(Inbound.self, from: Data(text.utf8)) else { return nil }
        switch inbound.type {
        case "auth_ok":
            guard let session = inbound.session, let interval = inbound.heartbeatInterval else { return nil }
            return .authOK(session: session, heartbeatInterval: interval)
        case "auth_error":
            return .authError(code: inbound.code ?? "", error: inbound.error ?? "")
        case "heartbeat_ack":
            guard let serverTime = inbound.serverTime else { return nil }
            return .heartbeatAck(serverTime: serverTime)
        case "error":
            return .error(code: inbound.code ?? "", message: inbound.message ?? "")
        default:
            return .notification(json: text)
        }
    }
}
