import Foundation

/// Who may read the files the MediaMTX sync writes (`mediamtx.yml`, its temporary file and the
/// `.managed` sidecar). `mediamtx.yml` holds signed RTMP URLs that let anyone pull a camera, so
/// it is the owner's alone (0600), or the owner's and one group's (0640) when MediaMTX runs as
/// another user (`LOOKOUT_MEDIAMTX_CONFIG_GROUP`).
public struct FilePermissions: Sendable, Hashable, CustomStringConvertible {
    /// The mode bits every write sets: 0600 or 0640.
    public let mode: UInt32
    /// The group the file is given (0640 only); nil keeps the writer's group.
    public let groupID: UInt32?

    /// 0600: the owner alone.
    public static let ownerOnly = FilePermissions(mode: 0o600, groupID: nil)

    /// 0640 with group `groupID`: the owner writes, the group (MediaMTX's user) reads.
    public static func groupReadable(_ groupID: UInt32) -> FilePermissions {
        FilePermissions(mode: 0o640, groupID: groupID)
    }

    /// The group named `name` (a name in the group database or a numeric id); nil when there is none.
    public static func group(named name: String) -> UInt32? {
        if let number = UInt32(name) { return number }
        guard let entry = getgrnam(name) else { return nil }
        return UInt32(entry.pointee.gr_gid)
    }

    /// Whether a file with `mode` lets in anyone these permissions do not: any bit for others,
    /// group bits beyond read (or any group bit when no group is configured).
    public func isLooser(_ mode: UInt32) -> Bool {
        mode & 0o077 & ~(self.mode & 0o077) != 0
    }

    public var description: String { "0" + String(mode, radix: 8) + (groupID.map { " group \($0)" } ?? "") }
}
