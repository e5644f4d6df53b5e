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
