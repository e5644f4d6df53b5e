import Foundation

/// A change dashboards must see, published by workers after their PostgreSQL commit.
/// On the wire `{"seq":N,"type":"nvr","nvr":{…}}` or `{"seq":N,"type":"alert",…}`; the sequence
/// is added by Redis when it is published (one INCR for all workers), so `body` lacks it.
public enum Notification: Sendable, Equatable {
    /// The NVR's full current state: dashboards replace what they had, so a repeat is harmless.
    case nvr(NVRState)
    /// One alert per NVR (not per camera), raised only when it stays offline past the flap grace.
    case alert(nvrID: Int64, hostname: String, message: String, at: Int64)

    /// The JSON object without `seq`, starting with `{`.
    public var body: String {
        switch self {
        case .nvr(let state):
            let nvr = (try? JSONEncoder.lookout.encode(state)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            return #"{"type":"nvr","nvr":\#(nvr)}"#
        case .alert(let id, let hostname, let message, let at):
            let fields: [String: any Sendable] = ["type": "alert", "nvrId": id, "hostname": hostname, "message": message, "at": at]
            let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data("{}".utf8)
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// The `seq` of a published notification's JSON, read without parsing the rest.
    public static func sequence(of json: String) -> Int64? {
        guard json.hasPrefix(#"{"seq":"#) else { return nil }
        let digits = json.utf8.dropFirst(7).prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        return Int64(String(decoding: digits, as: UTF8.self))
    }
}
