import Foundation
import LookoutCore

/// The checks MediaMTX v1.20 applies to path names and source URLs (`conf/path.go`:
/// `IsValidPathName`, `validate`, `validateURL`), applied before Lookout writes or sends anything.
public enum MediaMTXValidation {
    /// Source URL schemes a managed path may use.
    static let sourceSchemes: Set<String> = ["rtmp", "rtmps", "rtsp", "rtsps", "srt", "http", "https", "whep", "wheps"]

    /// Whether `name` is a valid non-regexp path name: only `0-9 a-z A-Z _ - / .`, not empty, no
    /// leading or trailing `/`, no empty, `.` or `..` segment.
    public static func isValidPathName(_ name: String) -> Bool {
        guard !name.isEmpty else { return false }
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "0"..."9", "a"..."z", "A"..."Z", "_", "-", "/", ".": true
            default: false
            }
        }
        guard allowed else { return false }
        let segments = name.split(separator: "/", omittingEmptySubsequences: false)
        return segments.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }

    /// Whether `name` may appear under `paths:` at all: a valid name, a regexp path (`~…`), or
    /// one of the aliases `all` / `all_others`. Used for the paths Lookout does not manage.
    static func isAcceptedPathKey(_ name: String) -> Bool {
        isValidPathName(name) || (name.hasPrefix("~") && name.count > 1) || name == "all" || name == "all_others"
    }

    /// Throws unless `name` is a valid path name Lookout may manage: not one of MediaMTX's
    /// reserved names (``MediaMTXReservedPathNames``, `all` and `all_others`).
    public static func checkPathName(_ name: String) throws(MediaMTXConfigError) {
        guard isValidPathName(name) else {
            throw MediaMTXConfigError(.invalidPathName, "'\(name)' can contain only alphanumeric characters, underscore, dot, minus, slash")
        }
        guard !MediaMTXReservedPathNames.contains(name) else {
            throw MediaMTXConfigError(.invalidPathName, "'\(name)' is reserved by MediaMTX (it applies to every path)")
        }
    }

    /// Throws unless `source` is a URL MediaMTX accepts as a static source. The error names
    /// `path`, never the URL, which carries credentials.
    public static func checkSource(_ source: String, path: String) throws(MediaMTXConfigError) {
        func fail(_ problem: String) -> MediaMTXConfigError {
            MediaMTXConfigError(.invalidSource, "source of path '\(path)' \(problem)")
        }
        guard !source.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == " " }) else {
            throw fail("contains spaces or control characters")
        }
        guard let components = URLComponents(string: source), let scheme = components.scheme?.lowercased() else {
            throw fail("is not a valid URL")
        }
        guard sourceSchemes.contains(scheme) else { throw fail("has an unsupported scheme '\(scheme)'") }
        guard let host = components.host, !host.isEmpty else { throw fail("has no host") }
        let hasUser = !(components.user ?? "").isEmpty
        let hasPassword = !(components.password ?? "").isEmpty
        guard hasUser == hasPassword else { throw fail("has a user without a password or a password without a user") }
    }
}
