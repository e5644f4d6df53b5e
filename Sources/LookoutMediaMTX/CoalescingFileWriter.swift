/// Writes one file atomically at most once per `minInterval`, keeping only the latest contents.
///
/// MediaMTX's watcher drops (does not defer) a change that comes within 1 s of the previous
/// one, so a second write inside that window would be missed. ``write(_:)`` returns once the
/// given contents, or newer contents handed in meanwhile, are on disk; callers that arrive while
/// a write waits for its slot join it, so a burst of N calls costs one write per interval.
/// Identical contents are not written again.
public actor CoalescingFileWriter {
    public let path: String
    public let minInterval: Duration
    /// The mode (and group) every write gives the file.
    public let permissions: FilePermissions
    private var latest: String?
    private var latestGeneration = 0
    private var writtenGeneration = 0
    private var lastWritten: String?
    private var lastWriteAt: ContinuousClock.Instant?
    private var flushing: Task<Void, any Error>?
    /// How many times the file was actually replaced; tests read it.
    public private(set) var writeCount = 0

    public init(path: String, minInterval: Duration = .seconds(1), permissions: FilePermissions = .ownerOnly) {
        self.path = path
        self.minInterval = minInterval
        self.permissions = permissions
    }

    /// Forgets what was written last, so the next write replaces the file even with identical
    /// contents (to replace a file whose permissions were found too open).
    public func forgetLastWrite() {
        lastWritten = nil
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
        if contents != lastWritten {
            try AtomicFile.write(contents, to: path, permissions: permissions)
            lastWritten = contents
            lastWriteAt = .now
            writeCount += 1
        }
        writtenGeneration = generation
    }
}
