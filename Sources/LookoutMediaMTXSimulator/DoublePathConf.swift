import Foundation
import LookoutCore

/// MediaMTX v1.20.1's path configuration, as far as the double needs it: the known keys
/// (`MediaMTXPathKeys`), defaults, and the validation `conf/path.go` applies.
enum DoublePathConf {
    static let keys = MediaMTXPathKeys.all

    /// Keys holding arrays: `null` for them is refused (`cannot set slice "x" to nil`).
    static let sliceKeys: Set<String> = ["alwaysAvailableTracks", "forward", "publishIPs", "readIPs"]
    /// Keys holding strings.
    static let stringKeys: Set<String> = [
        "source", "fallback", "readUser", "readPass", "publishUser", "publishPass", "recordPath", "recordFormat", "sourceOnDemandStartTimeout",
        "sourceOnDemandCloseAfter", "runOnInit", "runOnDemand", "runOnReady", "runOnRead", "runOnUnDemand", "runOnNotReady", "runOnUnread",
    ]
    /// Keys holding booleans.
    static let boolKeys: Set<String> = ["sourceOnDemand", "record", "overridePublisher", "alwaysAvailable", "sourceRedirect", "rtspAnyPort"]

    /// The default path configuration (MediaMTX's `pathDefaults`, trimmed to common fields).
    static let defaults: [String: JSONValue] = [
        "source": .string("publisher"), "sourceOnDemand": .bool(false), "sourceOnDemandStartTimeout": .string("10s"),
        "sourceOnDemandCloseAfter": .string("10s"), "maxReaders": .number(0), "record": .bool(false), "overridePublisher": .bool(true),
        "alwaysAvailable": .bool(false), "fallback": .string(""), "readUser": .string(""), "readPass": .string(""),
        "publishUser": .string(""), "publishPass": .string(""), "forward": .array([]), "runOnReady": .string(""),
    ]

    /// Source URL schemes MediaMTX pulls from.
    static let sourceSchemes: Set<String> = ["rtsp", "rtsps", "rtmp", "rtmps", "http", "https", "udp", "udp+mpegts", "udp+rtp", "srt", "whep", "wheps", "unix+mpegts", "rpiCamera"]

    /// `conf/path.go:IsValidPathName`, plus regexp names (`~…`), which the API accepts too.
    static func isValidName(_ name: String) -> Bool {
        if name.hasPrefix("~") { return name.count > 1 }
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ CharacterSet(charactersIn: "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-/.").contains($0) })
        else { return false }
        return name.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }

    /// Checks a partial body against the known keys and types; returns Go's message on failure.
    static func decodingProblem(_ body: [String: JSONValue]) -> String? {
        for key in body.keys.sorted() {
            guard keys.contains(key) else { return "json: unknown field \"\(key)\"" }
            let value = body[key]!
            if value == .null {
                if sliceKeys.contains(key) { return "cannot set slice \"\(key)\" to nil" }
                continue
            }
            let expected = sliceKeys.contains(key) ? "array" : stringKeys.contains(key) ? "string" : boolKeys.contains(key) ? "bool" : nil
            if let expected, value.goTypeName != expected {
                return "json: cannot unmarshal \(value.goTypeName) into Go struct field Path.\(key) of type \(expected == "array" ? "[]string" : expected)"
            }
        }
        return nil
    }

    /// `conf/path.go:validate` for a path's effective configuration; returns the validator's message.
    static func validationProblem(name: String, _ conf: [String: JSONValue]) -> String? {
        guard isValidName(name) else {
            return "invalid path name '\(name)': can contain only alphanumeric characters, underscore, dot, minus, slash"
        }
        let source = conf["source"]?.string ?? "publisher"
        let onDemand = conf["sourceOnDemand"] == .bool(true)
        switch source {
        case "publisher":
            if onDemand { return "'sourceOnDemand' is useless when source is 'publisher'" }
        case "redirect":
            break
        default:
            guard let components = URLComponents(string: source), let scheme = components.scheme, sourceSchemes.contains(scheme) else {
                return "invalid source: '\(source)'"
            }
            if scheme != "rpiCamera", (components.host ?? "").isEmpty { return "'\(source)' is not a valid URL" }
            if (components.user ?? "").isEmpty != (components.password ?? "").isEmpty { return "username and password must be both provided" }
        }
        return nil
    }
}
