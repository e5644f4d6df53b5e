/// The stream operations the HTTP API exposes (`POST /api/hikvision/initialize`,
/// `POST /api/hikvision/renew`, the renewal dead set). The streams side implements it; the
/// gateway routes to it, and answers 503 while none is configured.
///
/// Implementations throw ``StreamOperationError`` for what a caller can act on (an unknown
/// camera, the cloud unreachable); any other error becomes a 500 without its text.
public protocol StreamOperations: Sendable {
    /// Asks the cloud for every device and camera and records them (camera discovery).
    func discover() async throws -> DiscoveryReport
    /// Enqueues renewals for these cameras (all enabled cameras when nil); a camera that has a
    /// renewal pending is pulled earlier, never queued twice.
    func renew(cameraIDs: [Int64]?) async throws -> RenewalRequestReport
    /// The renewals that gave up, with their error.
    func deadRenewals() async throws -> [DeadRenewal]
    /// Moves the dead renewal of this camera (all of them when nil) back into the queue, due
    /// now. Returns how many moved.
    func retryDead(cameraID: Int64?) async throws -> Int
}

/// What a discovery run found and changed.
public struct DiscoveryReport: Sendable, Hashable, Codable {
    public var devices: Int
    public var cameras: Int
    public var created: Int
    public var updated: Int
    public var unchanged: Int

    public init(devices: Int, cameras: Int, created: Int, updated: Int, unchanged: Int) {
        self.devices = devices
        self.cameras = cameras
        self.created = created
        self.updated = updated
        self.unchanged = unchanged
    }
}

/// What a renewal request did, camera by camera, counted.
public struct RenewalRequestReport: Sendable, Hashable, Codable {
    /// Cameras the request named (or all enabled cameras).
    public var requested: Int
    /// Newly queued.
    public var enqueued: Int
    /// Had a renewal pending; it is now due earlier.
    public var movedEarlier: Int
    /// Had a renewal due already (or running): left as it was.
    public var unchanged: Int
    /// Disabled or unpublished cameras that were skipped.
    public var skipped: Int
    /// Each skipped camera and why (`disabled`, `not a Hik-Connect camera`).
    public var skippedCameras: [SkippedCamera]

    public init(requested: Int, enqueued: Int, movedEarlier: Int, unchanged: Int, skipped: Int, skippedCameras: [SkippedCamera] = []) {
        self.requested = requested
        self.enqueued = enqueued
        self.movedEarlier = movedEarlier
        self.unchanged = unchanged
        self.skipped = skipped
        self.skippedCameras = skippedCameras
    }

    public struct SkippedCamera: Sendable, Hashable, Codable {
        public var cameraId: Int64
        public var reason: String
        public init(cameraId: Int64, reason: String) {
            self.cameraId = cameraId
            self.reason = reason
        }
    }
}

/// A renewal in the dead set. Times are Unix milliseconds. `error` never holds a stream URL.
public struct DeadRenewal: Sendable, Hashable, Codable {
    public var cameraId: Int64
    public var attempts: Int
    public var error: String
    public var failedAt: Int64

    public init(cameraId: Int64, attempts: Int, error: String, failedAt: Int64) {
        self.cameraId = cameraId
        self.attempts = attempts
        self.error = error
        self.failedAt = failedAt
    }
}

/// An error of a ``StreamOperations`` call that the API reports as it is: unknown cameras as
/// 404, a bad argument as 422, the cloud or MediaMTX unreachable as 503.
public struct StreamOperationError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case unknownCameras
        case invalidArgument
        case unavailable
    }

    public var kind: Kind
    /// A sentence safe to show a caller: no URL, no token.
    public var message: String
    /// For ``Kind/unknownCameras``: the ids that do not exist.
    public var cameraIDs: [Int64]

    public init(_ kind: Kind, _ message: String, cameraIDs: [Int64] = []) {
        self.kind = kind
        self.message = message
        self.cameraIDs = cameraIDs
    }

    public var description: String { message }
}
