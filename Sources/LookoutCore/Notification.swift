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

    /// What orders this notification against others about the same subject: two workers may
    /// read an NVR's state in one order and publish in the other, and a dashboard replaces what
    /// it holds with each state. The publisher drops a state whose rank is below the newest
    /// published for its subject. An NVR's presence only moves forward in PostgreSQL (fenced by
    /// connection version: online at v, then offline at v, then online at v + 1), so its rank
    /// is `2·version + (offline ? 1 : 0)`; equal ranks (an API edit) still publish.
    public var ordering: (subject: String, rank: Int64)? {
        switch self {
        case .nvr(let state):
            return ("nvr:\(state.id)", state.version * 2 + (state.status == .offline ? 1 : 0))
        case .alert:
            return nil
        }
    }

    /// The `seq` of a published notification's JSON, read without parsing the rest.
    public static func sequence(of json: String) -> Int64? {
        guard json.hasPrefix(#"{"seq":"#) else { return nil }
        let digits = json.utf8.dropFirst(7).prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        return Int64(String(decoding: digits, as: UTF8.self))
    }
}
