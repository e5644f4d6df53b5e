import Foundation

/// Replaces a file in one step: write a temporary file in the same folder, `fsync` it, `rename`
/// it over the target, `fsync` the folder. A reader (MediaMTX's watcher) sees the old file or the
/// new one, never a half-written one; the rename arrives as a Create event, which MediaMTX's
/// watcher reloads on. Mount the folder, not the single file, into a container: a single-file
/// bind mount does not follow a rename.
///
/// The temporary file is created with its final permissions (`O_CREAT | O_EXCL` with the
/// mode, then group and exact mode set on the still-empty descriptor, so the umask cannot widen
/// or narrow it): no byte of the contents ever sits in a file more open than `permissions`.
public enum AtomicFile {
    /// Writes `contents` to `path` atomically with `permissions` (whatever the old file had).
    public static func write(_ contents: String, to path: String, permissions: FilePermissions = .ownerOnly) throws(MediaMTXConfigError) {
        try prepare(contents, for: path, permissions: permissions).commit()
    }

    /// A temporary file holding the new contents, synced, not yet renamed over its target:
    /// ``commit()`` puts it in place, ``discard()`` removes it. A writer checks its right to
    /// write (a lease) between the two, as late as it can.
    public struct Prepared: Sendable {
        public let path: String
        let temporary: String

        /// Renames the temporary file over `path` and syncs the folder.
        public func commit() throws(MediaMTXConfigError) {
            guard rename(temporary, path) == 0 else {
                let error = AtomicFile.failure("rename over", path)
                unlink(temporary)
                throw error
            }
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if folderDescriptor >= 0 {
                _ = fsync(folderDescriptor)
                close(folderDescriptor)
            }
        }

        public func discard() {
            unlink(temporary)
        }
    }

    /// Writes `contents` to a temporary file next to `path`, with `permissions`, and syncs it.
    public static func prepare(_ contents: String, for path: String, permissions: FilePermissions = .ownerOnly) throws(MediaMTXConfigError) -> Prepared {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let temporary = folder + "/." + url.lastPathComponent + ".tmp-" + UUID().uuidString.prefix(8)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(permissions.mode))
        guard descriptor >= 0 else { throw failure("create", temporary) }
        var written = false
        defer { if !written { unlink(temporary) } }
        do {
            defer { close(descriptor) }
            // Before the first byte: the group, then the exact mode (the umask applied to open's).
            if let group = permissions.groupID {
                guard fchown(descriptor, uid_t.max, gid_t(group)) == 0 else { throw failure("give group \(group) to", temporary) }
            }
            guard fchmod(descriptor, mode_t(permissions.mode)) == 0 else { throw failure("chmod", temporary) }
            let bytes = Array(contents.utf8)
            var offset = 0
            while offset < bytes.count {
                let result = bytes[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
                if result < 0 {
                    if errno == EINTR { continue }
                    throw failure("write", temporary)
                }
                offset += result
            }
            guard fsync(descriptor) == 0 else { throw failure("fsync", temporary) }
        }
        written = true
        return Prepared(path: path, temporary: temporary)
    }

    /// The permission bits of the file at `path`; nil when it does not exist.
    public static func mode(of path: String) -> UInt32? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return UInt32(status.st_mode & 0o7777)
    }

    fileprivate static func failure(_ action: String, _ path: String) -> MediaMTXConfigError {
        MediaMTXConfigError(.io, "cannot \(action) \(path): \(String(cString: strerror(errno)))")
    }
}
