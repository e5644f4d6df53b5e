public import LookoutCore

/// One replay request over both dead sets, as `lookout dead replay` and `POST /api/dead/replay`
/// take it: named presence dead letters and cameras, or everything.
///
/// Named ones are all checked before anything is replayed (an unknown or malformed id fails
/// the call and replays nothing); `all` replays every presence dead letter that is an event
/// (the malformed ones are left and reported) and every dead renewal.
public struct DeadReplay: Sendable {
    let letters: PresenceDeadLetters
    let operations: any StreamOperations

    public init(letters: PresenceDeadLetters, operations: any StreamOperations) {
        self.letters = letters
        self.operations = operations
    }

    public struct Report: Sendable, Hashable, Codable {
        public var presence: Int
        public var renewals: Int
        /// Presence dead letters left because they are not presence events.
        public var skipped: [String]

        public init(presence: Int, renewals: Int, skipped: [String]) {
            self.presence = presence
            self.renewals = renewals
            self.skipped = skipped
        }
    }

    public func run(all: Bool, presence: [String], cameras: [Int64]) async throws -> Report {
        if all {
            let (replayed, skipped) = try await letters.replayAll()
            return Report(presence: replayed, renewals: try await operations.retryDead(cameraID: nil), skipped: skipped)
        }
        guard !presence.isEmpty || !cameras.isEmpty else { throw DeadLetterError(.invalidArgument, "name presence dead letters or cameras, or all") }
        // Check the cameras first: a camera without a dead renewal fails before anything moves.
        let dead = Set(try await operations.deadRenewals().map(\.cameraId))
        let unknown = cameras.filter { !dead.contains($0) }
        guard unknown.isEmpty else {
            throw StreamOperationError(
                .unknownCameras, "no dead renewal for camera \(unknown.prefix(5).map(String.init).joined(separator: ", "))", cameraIDs: unknown)
        }
        let replayed = presence.isEmpty ? 0 : try await letters.replay(ids: presence)
        var renewals = 0
        for camera in Set(cameras).sorted() { renewals += try await operations.retryDead(cameraID: camera) }
        return Report(presence: replayed, renewals: renewals, skipped: [])
    }
}
