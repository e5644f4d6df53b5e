public import Foundation

/// What the gateway sends to WebSocket clients, as JSON text frames. See docs/protocol.md.
public enum ServerMessage: Sendable, Equatable {
    case authOK(session: String, heartbeatInterval: Int)
    case authError(code: String, error: String)
    /// Answer to every heartbeat: `{"type":"heartbeat_ack","serverTime":ms}`.
    case heartbeatAck(serverTime: Int64)
    /// A message was rejected; the connection stays open.
    case error(code: String, message: String)
    /// Everything a dashboard shows, as of sequence `seq`.
    case snapshot(seq: Int64, nvrs: [NVRState])
    /// One numbered notification, passed on as the worker wrote it.
    case notification(json: String)

    public var json: String {
        switch self {
        case .authOK(let session, let interval):
            return Self.encode(["type": "auth_ok", "session": session, "heartbeatInterval": interval])
        case .authError(let code, let error):
            return Self.encode(["type": "auth_error", "code": code, "error": error])
        case .heartbeatAck(let time):
            return Self.encode(["type": "heartbeat_ack", "serverTime": time])
        case .error(let code, let message):
            return Self.encode(["type": "error", "code": code, "message": message])
        case .snapshot(let seq, let nvrs):
            let body = (try? JSONEncoder.lookout.encode(nvrs)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
            return #"{"type":"snapshot","seq":\#(seq),"nvrs":\#(body)}"#
        case .notification(let json):
            return json
        }
    }

    private static func encode(_ object: [String: any Sendable]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
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
