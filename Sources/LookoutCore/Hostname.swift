import Foundation

/// NVR hostnames in one form: Unicode NFC. PostgreSQL compares bytes, so "café" typed with a
/// combining accent and with a precomposed one would be two NVRs (or an agent that never
/// matches its row) without this. Applied when a hostname is stored and when an agent
/// authenticates.
public enum Hostname {
    public static func normalized(_ hostname: String) -> String {
        hostname.precomposedStringWithCanonicalMapping
    }
}

extension Hostname {
    /// Why `hostname` cannot be an NVR's hostname, or nil when it can: 1–255 bytes, no
    /// whitespace or control characters (the agent sends it exactly so).
    public static func problem(_ hostname: String) -> String? {
        if hostname.isEmpty { return "hostname must not be empty" }
        if hostname.utf8.count > 255 || hostname.contains(where: { $0.isWhitespace }) {
            return "hostname must be at most 255 bytes without spaces"
        }
        if hostname.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "hostname must not contain control characters"
        }
        return nil
    }
}
