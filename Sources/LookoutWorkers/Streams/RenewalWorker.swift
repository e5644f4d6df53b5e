import Foundation
public import Logging
public import LookoutCore
public import LookoutRedis
public import LookoutStore
public import ServiceLifecycle
import Synchronization

/// Renews stream URLs before they expire. Claims due jobs from `RenewalQueue` (one per camera,
/// leased), fetches a new URL, stores it next to the old one, schedules the next renewal at a
/// share of the new URL's lifetime, and tells the MediaMTX sync. Failures retry with backoff,
/// bounded by the old URL's expiry; then the job goes to the dead set with its error.
public struct RenewalWorker: Service {
    let options: RenewalOptions
    let queue: RenewalQueue
    let store: PostgresRenewalStore
    let provider: any LiveAddressProvider
    let redis: RedisClient
    let keys: RedisKeys
    let logger: Logger

    public init(
        options: RenewalOptions, queue: RenewalQueue, store: PostgresRenewalStore, provider: any LiveAddressProvider, redis: RedisClient,
        keys: RedisKeys, logger: Logger
    ) {
        self.options = options
        self.queue = queue
        self.store = store
        self.provider = provider
        self.redis = redis
        self.keys = keys
        self.logger = logger
    }

    public func run() async throws {
        logger.info("Renewal worker started")
        var lastReseed: Int64 = 0
        await withDiscardingTaskGroup { group in
            let inFlight = InFlight()
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let now = unixMillis()
                do {
                    if now - lastReseed > 60_000 {
                        try await reseed(now: now)
                        lastReseed = now
                    }
                    _ = try await queue.reapExpiredLeases(now: now)
                    let free = options.concurrency - inFlight.count
                    if free > 0 {
                        for claim in try await queue.claim(now: now, lease: options.lease, limit: free) {
                            inFlight.add()
                            group.addTask {
                                await runJob(claim)
                                inFlight.remove()
                            }
                        }
                    }
                } catch {
                    logger.warning("Renewal queue unavailable; will retry", metadata: ["lookout.error": "\(error)"])
                }
                let next = (try? await queue.nextDueAt()).flatMap { $0 } ?? now + 1000
                try? await Task.sleep(for: .milliseconds(max(50, min(1000, next - unixMillis()))))
            }
        }
        logger.info("Renewal worker stopped")
    }

    /// PostgreSQL holds every camera's due time; the Redis queue is re-seeded from it, so jobs
    /// survive a Redis that lost its data. `ZADD LT` never postpones or duplicates a job.
    func reseed(now: Int64) async throws {
        for entry in try await store.schedule() where entry.state != "failed" {
            try await queue.schedule(cameraID: entry.cameraID, dueAt: entry.dueAt ?? now, pullEarlierOnly: true)
        }
    }

    /// One job, with its lease renewed while it runs; a lost lease abandons it (another worker
    /// has it now), so a camera is never renewed twice for one due time.
    func runJob(_ claim: RenewalQueue.Claim) async {
        let logger = {
            var logger = self.logger
            logger[metadataKey: "lookout.camera.id"] = "\(claim.cameraID)"
            logger[metadataKey: "lookout.job.due"] = "\(claim.dueAt)"
            return logger
        }()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: options.lease / 3)
                    if Task.isCancelled { return }
                    if (try? await queue.renewLease(claim, now: unixMillis(), lease: options.lease)) == false {
                        logger.warning("Renewal lease lost; abandoning the job")
                        return
                    }
                }
            }
            await renew(claim, logger: logger)
            group.cancelAll()
        }
    }

    func renew(_ claim: RenewalQueue.Claim, logger: Logger) async {
        do {
            guard let target = try await store.target(cameraID: claim.cameraID), target.enabled else {
                try await queue.finish(claim, nextDueAt: nil, now: unixMillis())
                return
            }
            let attempt = target.attempts + 1
            let renewalID = try await store.begin(cameraID: target.cameraID, attempt: attempt, oldExpiresAt: target.streamExpiresAt, dueAt: claim.dueAt)
            do {
                let address = try await provider.liveAddress(for: target, lifetime: options.requestedLifetime)
                // A worker that lost its lease (stalled past it) must not store over the one that took the job.
                guard try await queue.renewLease(claim, now: unixMillis(), lease: options.lease) else {
                    try await store.abandoned(renewalID: renewalID)
                    logger.warning("Renewal lease lost before storing; another worker has the job")
                    return
                }
                let now = unixMillis()
                let next = RenewalSchedule(lifetimeShare: options.lifetimeShare).dueAt(issuedAt: now, expiresAt: address.expiresAt)
                try await store.succeeded(renewalID: renewalID, cameraID: target.cameraID, url: address.url, expiresAt: address.expiresAt, nextDueAt: next)
                try await queue.finish(claim, nextDueAt: next, now: now)
                _ = try? await redis.publish(keys.mediamtxChanged, String(target.cameraID))
                logger.info("Stream renewed", metadata: ["lookout.stream.expires_at": "\(address.expiresAt)", "lookout.job.next": "\(next)"])
            } catch let failure as RenewalFailure {
                try await fail(claim, target: target, attempt: attempt, renewalID: renewalID, failure: failure, logger: logger)
            }
        } catch {
            // PostgreSQL or Redis failed: the lease expires and the job is reaped and retried.
            logger.warning("Renewal job failed to record; it will be retried", metadata: ["lookout.error": "\(error)"])
        }
    }

    private func fail(
        _ claim: RenewalQueue.Claim, target: RenewalTarget, attempt: Int, renewalID: Int64, failure: RenewalFailure, logger: Logger
    ) async throws {
        let now = unixMillis()
        var next: Int64?
        switch failure.kind {
        case .deviceOffline:
            next = now + options.deviceOfflineRetry.inMilliseconds
        case .retryable:
            let candidate = now + options.retry.delay(afterAttempt: attempt).inMilliseconds
            let deadline = target.streamExpiresAt.map { $0 - options.expiryMargin.inMilliseconds } ?? Int64.max
            next = attempt < options.retry.maxAttempts && candidate < deadline ? candidate : nil
        case .permanent:
            next = nil
        }
        try await store.failed(
            renewalID: renewalID, cameraID: target.cameraID, error: failure.message, deviceOffline: failure.kind == .deviceOffline,
            attempts: failure.kind == .deviceOffline ? 0 : attempt, nextDueAt: next)
        try await queue.finish(claim, nextDueAt: next, now: now)
        if next == nil {
            logger.error("Renewal gave up; camera moved to the dead set", metadata: ["lookout.error": "\(failure.message)", "lookout.job.attempt": "\(attempt)"])
        } else {
            logger.warning("Renewal failed; retrying", metadata: ["lookout.error": "\(failure.message)", "lookout.job.next": "\(next!)"])
        }
    }
}

/// Jobs running in this process.
final class InFlight: Sendable {
    private let value = Mutex(0)
    var count: Int { value.withLock { $0 } }
    func add() { value.withLock { $0 += 1 } }
    func remove() { value.withLock { $0 -= 1 } }
}
