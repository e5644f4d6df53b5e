/// NVR states as JSON text, written directly.
///
/// Why not `JSONEncoder`: the presence worker encodes one state per changed NVR (hundreds per
/// batch) and a dashboard snapshot encodes every NVR; a profile of `lookout bench worker` put
/// 21 % of the worker's CPU in `JSONEncoder` for these two types alone. This writer produces
/// the same document `JSONEncoder.lookout` does (sorted keys, nil fields left out, slashes not
/// escaped), which a test checks on awkward values, at a fraction of the cost.
extension NVRState {
    /// The state as a JSON object, keys sorted, as `JSONEncoder.lookout` would encode it.
    public var jsonText: String {
        var json = JSONText()
        json.write(self)
        return json.text
    }

    /// States as a JSON array.
    public static func jsonText(_ states: [NVRState]) -> String {
        var json = JSONText()
        json.text.reserveCapacity(states.count * 256)
        json.array(states) { $0.write($1) }
        return json.text
    }
}

/// A JSON document being written; keys are written in the order given (callers sort them).
/// Used for every message the gateway and workers send many times a second.
struct JSONText {
    /// One object, written by `body`.
    static func object(_ body: (inout JSONText) -> Void) -> String {
        var json = JSONText()
        json.object(body)
        return json.text
    }

    var text = ""
    private var needsComma = false

    mutating func write(_ state: NVRState) {
        object { json in
            json.field("cameras") { $0.array(state.cameras) { $0.write($1) } }
            json.field("gateway", state.gateway)
            json.field("hostname", state.hostname)
            json.field("id", state.id)
            json.field("lastSeenAt", state.lastSeenAt)
            json.field("name", state.name)
            json.field("session", state.session)
            json.field("status", state.status.rawValue)
            json.field("statusChangedAt", state.statusChangedAt)
            json.field("version", state.version)
        }
    }

    mutating func write(_ camera: CameraState) {
        object { json in
            json.field("enabled") { $0.text.append(camera.enabled ? "true" : "false") }
            json.field("id", camera.id)
            json.field("name", camera.name)
            json.field("path", camera.path)
            json.field("renewalState", camera.renewalState)
            json.field("status", camera.status.rawValue)
            json.field("statusReason", camera.statusReason)
            json.field("streamExpiresAt", camera.streamExpiresAt)
        }
    }

    mutating func object(_ body: (inout JSONText) -> Void) {
        text.append("{")
        let outer = needsComma
        needsComma = false
        body(&self)
        needsComma = outer
        text.append("}")
    }

    /// `[a,b,…]`, each element written by `write`.
    mutating func array<Element>(_ elements: [Element], _ write: (inout JSONText, Element) -> Void) {
        text.append("[")
        for (index, element) in elements.enumerated() {
            if index > 0 { text.append(",") }
            write(&self, element)
        }
        text.append("]")
    }

    /// A field whose value `value` writes raw (a nested `object` keeps its own comma state).
    mutating func field(_ key: String, _ value: (inout JSONText) -> Void) {
        if needsComma { text.append(",") }
        needsComma = true
        appendString(key)
        text.append(":")
        value(&self)
    }

    mutating func field(_ key: String, _ value: String?) {
        guard let value else { return }
        field(key) { $0.appendString(value) }
    }

    mutating func field(_ key: String, _ value: Int64?) {
        guard let value else { return }
        field(key) { $0.text.append(String(value)) }
    }

    /// A JSON string literal, escaped as `JSONEncoder` does with `.withoutEscapingSlashes`.
    mutating func appendString(_ value: String) {
        text.append("\"")
        var plainStart = value.utf8.startIndex
        var index = plainStart
        let utf8 = value.utf8
        while index != utf8.endIndex {
            let byte = utf8[index]
            let escape: String? =
                switch byte {
                case UInt8(ascii: "\""): "\\\""
                case UInt8(ascii: "\\"): "\\\\"
                case 0x08: "\\b"
                case 0x0C: "\\f"
                case UInt8(ascii: "\n"): "\\n"
                case UInt8(ascii: "\r"): "\\r"
                case UInt8(ascii: "\t"): "\\t"
                case 0..<0x20: "\\u00" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
                default: nil
                }
            if let escape {
                text.append(contentsOf: value[plainStart..<index])
                text.append(escape)
                plainStart = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        text.append(contentsOf: value[plainStart..<utf8.endIndex])
        text.append("\"")
    }
}
