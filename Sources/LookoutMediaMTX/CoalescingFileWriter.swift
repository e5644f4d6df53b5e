import Foundation

/// Writes one file atomically at most once per `minInterval`, keeping only the latest contents.
///
/// MediaMTX's watcher drops (does not defer) a change that comes within 1 s of the previous
/// one, so a second write inside that window would be missed. ``write(_:)`` returns once the
/// given contents, or newer contents handed in meanwhile, are on disk; callers that arrive while
/// a write waits for its slot join it, so a burst of N calls costs one write per interval.
///
/// Contents equal to **the file on disk** are not written again; contents equal to this
/// writer's last write are (something else may have replaced the file since). With a `fence`,
/// the new file is prepared, then the fence is asked right before the rename: when it says no
/// (the writer's lease is gone), nothing is renamed and the write fails with `.fenced`.
public actor CoalescingFileWriter {
    public let path: String
    public let minInterval: Duration
    /// The mode (and group) every write gives the file.
    public let permissions: FilePermissions
    let fence: (@Sendable () async -> Bool)?
    private var latest: String?
    private var latestGeneration = 0
    private var writtenGeneration = 0
    private var lastWritten: String?
    private var forceNext = false
    private var lastWriteAt: ContinuousClock.Instant?
    private var flushing: Task<Void, any Error>?
    /// How many times the file was actually replaced; tests read it.
    public private(set) var writeCount = 0

    public init(
        path: String, minInterval: Duration = .seconds(1), permissions: FilePermissions = .ownerOnly, fence: (@Sendable () async -> Bool)? = nil
    ) {
        self.path = path
        self.minInterval = minInterval
        self.permissions = permissions
        self.fence = fence
    }

    /// Makes the next write replace the file even when the contents are identical (to replace a
    /// file whose permissions were found too open).
    public func forgetLastWrite() {
        lastWritten = nil
        forceNext = true
    }

    /// Whether `current` (the file as read now) differs from what this writer wrote last:
    /// something else replaced the file since. False before the first write.
    public func changedByOthers(current: String) -> Bool {
        guard let lastWritten else { return false }
        return current != lastWritten
    }

    /// Hands in new contents and waits until they (or newer ones) are written.
    public func write(_ contents: String) async throws(MediaMTXConfigError) {
        latestGeneration += 1
        latest = contents
        let generation = latestGeneration
        while writtenGeneration < generation {
            let task = flushing ?? startFlush()
            do {
                try await task.value
            } catch let error as MediaMTXConfigError {
                throw error
            } catch {
                throw MediaMTXConfigError(.io, "write of \(path) cancelled")
            }
        }
    }

    private func startFlush() -> Task<Void, any Error> {
        let task = Task { try await self.flush() }
        flushing = task
        return task
    }

    private func flush() async throws {
        defer { flushing = nil }
        if let lastWriteAt {
            let ready = lastWriteAt + minInterval
            if ready > .now { try await Task.sleep(until: ready, clock: .continuous) }
        }
        let generation = latestGeneration
        guard let contents = latest else { return }
        let onDisk = try? String(contentsOfFile: path, encoding: .utf8)
        if contents != onDisk || forceNext {
            let prepared = try AtomicFile.prepare(contents, for: path, permissions: permissions)
            if let fence, !(await fence()) {
                prepared.discard()
                throw MediaMTXConfigError(.fenced, "\(path) not replaced: this writer no longer holds its lease")
            }
            try prepared.commit()
            lastWriteAt = .now
            writeCount += 1
            forceNext = false
        }
        lastWritten = contents
        writtenGeneration = generation
    }
}
