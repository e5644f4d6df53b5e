public import LookoutCore
public import LookoutStore

/// The stream operations of the HTTP API and the CLI (`lookout renew`, `lookout discover`):
/// discovery, manual renewals and the dead set, over the same queue the renewal workers use.
public struct StreamOperationsService: StreamOperations {
    let discovery: DiscoveryService?
    let queue: RenewalQueue
    let store: PostgresRenewalStore

    /// `discovery` is nil when no Hik-Connect account is configured; discovery then answers 503.
    public init(discovery: DiscoveryService?, queue: RenewalQueue, store: PostgresRenewalStore) {
        self.discovery = discovery
        self.queue = queue
        self.store = store
    }

    public func discover() async throws -> DiscoveryReport {
        guard let discovery else { throw StreamOperationError(.unavailable, "no Hik-Connect account is configured (HIKVISION_APP_KEY)") }
        let counts: DiscoveryCounts
        do {
            counts = try await discovery.run()
        } catch let error as RenewalFailure {
            throw StreamOperationError(.unavailable, "Hik-Connect: \(error.message)")
        }
        return DiscoveryReport(
            devices: Set(counts.devices).count, cameras: counts.found, created: counts.created, updated: counts.updated,
            unchanged: counts.unchanged)
    }

    public func renew(cameraIDs: [Int64]?) async throws -> RenewalRequestReport {
        let candidates: [Int64]
        var skipped: [RenewalRequestReport.SkippedCamera] = []
        if let cameraIDs {
            let known = try await store.renewable(ids: cameraIDs)
            let unknown = cameraIDs.filter { known[$0] == nil }
            guard unknown.isEmpty else { throw StreamOperationError(.unknownCameras, "unknown camera ids", cameraIDs: unknown) }
            candidates = cameraIDs.filter { known[$0] == .renewable }
            skipped = cameraIDs.compactMap { id in
                guard let eligibility = known[id], eligibility != .renewable else { return nil }
                return .init(cameraId: id, reason: eligibility.rawValue)
            }
        } else {
            candidates = try await store.schedule().map(\.cameraID)
        }
        var report = RenewalRequestReport(
            requested: cameraIDs?.count ?? candidates.count, enqueued: 0, movedEarlier: 0, unchanged: 0, skipped: skipped.count, skippedCameras: skipped)
        let now = unixMillis()
        for id in candidates {
            switch try await queue.schedule(cameraID: id, dueAt: now, pullEarlierOnly: true) {
            case .added: report.enqueued += 1
            case .movedEarlier: report.movedEarlier += 1
            case .unchanged, .running: report.unchanged += 1
            }
        }
        return report
    }

    public func deadRenewals() async throws -> [DeadRenewal] {
        let dead = Dictionary(try await queue.dead().map { ($0.cameraID, $0.at) }, uniquingKeysWith: { a, _ in a })
        return try await store.failures().compactMap { failure in
            guard let at = dead[failure.cameraID] ?? failure.failedAt else { return nil }
            return DeadRenewal(cameraId: failure.cameraID, attempts: failure.attempts, error: failure.error ?? "unknown", failedAt: at)
        }
    }

    public func retryDead(cameraID: Int64?) async throws -> Int {
        let dead = try await deadRenewals().map(\.cameraId).filter { cameraID == nil || $0 == cameraID }
        if let cameraID, dead.isEmpty { throw StreamOperationError(.unknownCameras, "camera \(cameraID) has no dead renewal", cameraIDs: [cameraID]) }
        let now = unixMillis()
        for id in dead {
            try await store.resetFailure(cameraID: id, dueAt: now)
            try await queue.schedule(cameraID: id, dueAt: now)
        }
        return dead.count
    }
}
