import Foundation

/// The record of which `paths:` entries in `mediamtx.yml` belong to Lookout: a sidecar file
/// next to it (`mediamtx.yml.managed`), one path name per line.
///
/// Why a sidecar, not a Redis set or a marker inside `mediamtx.yml`:
/// - MediaMTX decodes its file strictly, so an unknown marker key would kill it, and YAML
///   comments do not survive the Yams round trip.
/// - The record must describe exactly the file it sits next to. A Redis set outlives or loses
///   the file independently (Redis restarts without persistence in dev, or a file restored from
///   backup), and a stale record either deletes hand-written paths or leaks removed cameras.
///   The sidecar lives in the same folder (the folder MediaMTX's container mounts), is written
///   atomically like the file, and moves with it.
///
/// Writes bracket the config write: before it, the sidecar is set to the union of the old and
/// the new names; after it, to the new names. A crash in between leaves a superset, which only
/// ever names paths Lookout wrote, so the next round still removes exactly what it should.
/// Without a sidecar (first run) nothing is considered managed: a hand-written path that has a
/// camera's name is taken over (PostgreSQL says a camera owns that name); others stay.
public struct MediaMTXManagedNames: Sendable {
    public let path: String
    /// The sidecar holds path names only (no secret), but gets the config file's permissions,
    /// so the pair moves and is readable together.
    public let permissions: FilePermissions

    /// The sidecar of the config file at `configPath`.
    public init(configPath: String, permissions: FilePermissions = .ownerOnly) {
        self.path = configPath + ".managed"
        self.permissions = permissions
    }

    /// The recorded names; empty when there is no sidecar yet.
    public func load() throws(MediaMTXConfigError) -> Set<String> {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw MediaMTXConfigError(.io, "cannot read \(path): \(error.localizedDescription)")
        }
        return Set(text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty && !$0.hasPrefix("#") })
    }

    /// Replaces the record atomically.
    public func save(_ names: Set<String>) throws(MediaMTXConfigError) {
        let body = names.sorted().joined(separator: "\n")
        try AtomicFile.write("# MediaMTX paths managed by Lookout (see mediamtx.yml). Do not edit.\n" + body + "\n", to: path, permissions: permissions)
    }
}
