/// A change dashboards must see, published by workers after their PostgreSQL commit.
/// On the wire `{"seq":N,"epoch":"E","type":"nvr","nvr":{…}}` or `{"seq":N,"epoch":"E","type":"alert",…}`;
/// the sequence and epoch are added by Redis when it is published (one INCR for all workers;
/// `NotificationPublisher`), so `body` lacks them.
public enum Notification: Sendable, Equatable {
    /// The NVR's full current state: dashboards replace what they had, so a repeat is harmless.
    case nvr(NVRState)
    /// One alert per NVR (not per camera), raised only when it stays offline past the flap grace.
    case alert(nvrID: Int64, hostname: String, message: String, at: Int64)

    /// The JSON object without `seq`, starting with `{`.
    public var body: String {
        switch self {
        case .nvr(let state):
            return #"{"type":"nvr","nvr":\#(state.jsonText)}"#
        case .alert(let id, let hostname, let message, let at):
            return JSONText.object {
                $0.field("at", at)
                $0.field("hostname", hostname)
                $0.field("message", message)
                $0.field("nvrId", id)
                $0.field("type", "alert")
            }
        }
    }

    /// The `seq` of a published notification's JSON, read without parsing the rest.
    public static func sequence(of json: String) -> Int64? {
        guard json.hasPrefix(#"{"seq":"#) else { return nil }
        let digits = json.utf8.dropFirst(7).prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        return Int64(String(decoding: digits, as: UTF8.self))
    }
}
