import Foundation

/// Replaces a file in one step: write a temporary file in the same folder, `fsync` it, `rename`
/// it over the target, `fsync` the folder. A reader (MediaMTX's watcher) sees the old file or the
/// new one, never a half-written one; the rename arrives as a Create event, which MediaMTX's
/// watcher reloads on. Mount the folder, not the single file, into a container: a single-file
/// bind mount does not follow a rename.
public enum AtomicFile {
    /// Writes `contents` to `path` atomically, keeping the old file's permissions (0644 for a new file).
    public static func write(_ contents: String, to path: String) throws(MediaMTXConfigError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let temporary = folder + "/." + url.lastPathComponent + ".tmp-" + UUID().uuidString.prefix(8)
        var status = stat()
        let mode: mode_t = stat(path, &status) == 0 ? status.st_mode & 0o7777 : 0o644
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw failure("create", temporary) }
        var written = false
        defer { if !written { unlink(temporary) } }
        do {
            defer { close(descriptor) }
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
            guard fchmod(descriptor, mode) == 0 else { throw failure("chmod", temporary) }
            guard fsync(descriptor) == 0 else { throw failure("fsync", temporary) }
        }
        guard rename(temporary, path) == 0 else { throw failure("rename over", path) }
        written = true
        let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            _ = fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    private static func failure(_ action: String, _ path: String) -> MediaMTXConfigError {
        MediaMTXConfigError(.io, "cannot \(action) \(path): \(String(cString: strerror(errno)))")
    }
}
