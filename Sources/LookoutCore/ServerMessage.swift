public import Foundation

/// What the gateway sends to WebSocket clients, as JSON text frames. See docs/protocol.md.
public enum ServerMessage: Sendable, Equatable {
    case authOK(session: String, heartbeatInterval: Int)
    case authError(code: String, error: String)
    /// Answer to every heartbeat: `{"type":"heartbeat_ack","serverTime":ms}`.
    case heartbeatAck(serverTime: Int64)
    /// A message was rejected; the connection stays open.
    case error(code: String, message: String)
    /// Everything a dashboard shows, as of sequence `seq` of the feed's `epoch`.
    case snapshot(seq: Int64, epoch: String, nvrs: [NVRState])
    /// One numbered notification, passed on as the worker wrote it.
    case notification(json: String)

    /// Keys sorted, as everywhere in the protocol; written without `JSONEncoder` because the
    /// gateway sends one `heartbeat_ack` per heartbeat (see `JSONText`).
    public var json: String {
        switch self {
        case .authOK(let session, let interval):
            return JSONText.object {
                $0.field("heartbeatInterval", Int64(interval))
                $0.field("session", session)
                $0.field("type", "auth_ok")
            }
        case .authError(let code, let error):
            return JSONText.object {
                $0.field("code", code)
                $0.field("error", error)
                $0.field("type", "auth_error")
            }
        case .heartbeatAck(let time):
            return JSONText.object {
                $0.field("serverTime", time)
                $0.field("type", "heartbeat_ack")
            }
        case .error(let code, let message):
            return JSONText.object {
                $0.field("code", code)
                $0.field("message", message)
                $0.field("type", "error")
            }
        case .snapshot(let seq, let epoch, let nvrs):
            var epochText = JSONText()
            epochText.appendString(epoch)
            return #"{"type":"snapshot","seq":\#(seq),"epoch":\#(epochText.text),"nvrs":\#(NVRState.jsonText(nvrs))}"#
        case .notification(let json):
            return json
        }
    }
}

extension JSONEncoder {
    /// Sorted keys: stable output for tests and diffs.
    public static var lookout: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
