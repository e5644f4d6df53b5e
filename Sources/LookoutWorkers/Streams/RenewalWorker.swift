import Foundation
public import Logging
public import LookoutCore
import LookoutHikConnect
public import LookoutRedis
public import LookoutStore
import Metrics
public import ServiceLifecycle
import Synchronization

/// Renews stream URLs before they expire. Claims due jobs from `RenewalQueue` (one per camera,
/// leased), fetches a new URL, stores it next to the old one, schedules the next renewal at a
/// share of the new URL's lifetime, and tells the MediaMTX sync.
///
/// - **Fenced.** A job's lease is renewed while it runs; when it is lost (the worker stalled
///   past it and the job was reaped) the job's work is cancelled, and the lease is checked
///   again right before the cloud call (``HikRequestGate``) and before storing: a worker that
///   lost its lease makes no further cloud call for that job and records nothing but "lost".
/// - **Bounded by the deadline.** Failures retry with jittered backoff until shortly before the
///   old URL expires; an expired (or never issued) URL that still fails is marked `retrying`
///   and retried every `expiredRetry`, never given up. Only failures retrying cannot fix (not
///   found, encrypted, no resource id) go to the dead set.
/// - **Credentials refused** pause every renewal (``RenewalPause``, shared in Redis) with one
///   alert; one worker probes every `credentialProbe` and lifts the pause when it succeeds.
/// - **Shutdown** cancels running jobs: they are released (due again at once, for another
///   worker), not recorded as failures.
/// - The queue is re-seeded from PostgreSQL every minute, and at once when Redis lost it.
public struct RenewalWorker: Service {
    let options: RenewalOptions
    let queue: RenewalQueue
    let store: PostgresRenewalStore
    let provider: any LiveAddressProvider
    let redis: RedisClient
    let keys: RedisKeys
    let pause: RenewalPause
    let logger: Logger
    /// Alerts: `renewal_failing`, `renewal_dead`, `cloud_credentials_rejected`, and the
    /// `url_expiring` check (within `expiryWarning`) with every re-seed. Nil: none.
    let alerts: AlertRecorder?
    let expiryWarning: Duration

    public init(
        options: RenewalOptions, queue: RenewalQueue, store: PostgresRenewalStore, provider: any LiveAddressProvider, redis: RedisClient,
        keys: RedisKeys, logger: Logger, alerts: AlertRecorder? = nil, expiryWarning: Duration = .seconds(3600)
    ) {
        self.alerts = alerts
        self.expiryWarning = expiryWarning
        self.options = options
        self.queue = queue
        self.store = store
        self.provider = provider
        self.redis = redis
        self.keys = keys
        self.pause = RenewalPause(redis: redis, keys: keys)
        self.logger = logger
    }

    public func run() async throws {
        logger.info("Renewal worker started")
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                let inFlight = InFlight()
                var lastReseed: Int64 = 0
                var paused = PauseWatch()
                while !Task.isCancelled {
                    let now = unixMillis()
                    do {
                        if now - lastReseed > 60_000 {
                            try await reseed(now: now)
                            lastReseed = now
                            await alerts?.syncExpiringURLs(warning: expiryWarning)
                        } else if !(try await queue.isSeeded()) {
                            logger.warning("Renewal queue found empty; re-seeding it from PostgreSQL now")
                            RenewalMetrics.reseeds.increment()
                            try await reseed(now: now)
                            lastReseed = now
                        }
                        _ = try await queue.reapExpiredLeases(now: now)
                        if try await paused.check(self) {
                            try? await Task.sleep(for: .milliseconds(500))
                            continue
                        }
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
        }
        logger.info("Renewal worker stopped")
    }

    /// PostgreSQL holds every camera's due time; the Redis queue is re-seeded from it, so jobs
    /// survive a Redis that lost its data. `ZADD LT` never postpones or duplicates a job.
    func reseed(now: Int64) async throws {
        for entry in try await store.schedule() where entry.state != "failed" {
            try await queue.schedule(cameraID: entry.cameraID, dueAt: entry.dueAt ?? now, pullEarlierOnly: true)
        }
        try await queue.markSeeded()
    }

    /// One job, with its lease renewed while it runs. A lost lease cancels the job's work.
    func runJob(_ claim: RenewalQueue.Claim) async {
        let logger = {
            var logger = self.logger
            logger[metadataKey: "lookout.camera.id"] = "\(claim.cameraID)"
            logger[metadataKey: "lookout.job.due"] = "\(claim.dueAt)"
            return logger
        }()
        let job = JobState()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await keepLease(claim, job: job, logger: logger) }
            group.addTask { await renew(claim, job: job, logger: logger) }
            _ = await group.next()
            group.cancelAll()
        }
        // Cancelled at shutdown before it concluded: not a failure; due again at once elsewhere.
        if Task.isCancelled, !job.concluded, !job.lost {
            await Task {
                do {
                    if try await queue.release(claim, dueAt: claim.dueAt, now: unixMillis()) {
                        logger.info("Renewal job released at shutdown")
                    }
                } catch {
                    logger.warning("Renewal job not released at shutdown; its lease will expire", metadata: ["lookout.error": "\(error)"])
                }
            }.value
        }
    }

    /// Renews the lease every third of it; returns when it is lost (or after a whole lease
    /// without reaching Redis), which cancels the job.
    func keepLease(_ claim: RenewalQueue.Claim, job: JobState, logger: Logger) async {
        var lastRenewed = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: options.lease / 3)
            if Task.isCancelled { return }
            do {
                if try await queue.renewLease(claim, now: unixMillis(), lease: options.lease) {
                    lastRenewed = .now
                    continue
                }
            } catch {
                if ContinuousClock.now - lastRenewed < options.lease { continue }
            }
            job.loseLease()
            RenewalMetrics.leasesLost.increment()
            logger.warning("Renewal lease lost; the job's work is cancelled")
            return
        }
    }

    /// The fence: this worker still holds the job (and extends the lease).
    func stillHeld(_ claim: RenewalQueue.Claim, job: JobState) async -> Bool {
        guard !job.lost else { return false }
        guard (try? await queue.renewLease(claim, now: unixMillis(), lease: options.lease)) == true else {
            job.loseLease()
            return false
        }
        return true
    }

    func renew(_ claim: RenewalQueue.Claim, job: JobState, logger: Logger) async {
        do {
            guard let target = try await store.target(cameraID: claim.cameraID), target.enabled else {
                job.conclude()
                try await queue.finish(claim, nextDueAt: nil, now: unixMillis())
                return
            }
            let attempt = target.attempts + 1
            let renewalID = try await store.begin(cameraID: target.cameraID, attempt: attempt, oldExpiresAt: target.streamExpiresAt, dueAt: claim.dueAt)
            // Checked right before the cloud call, and again by the transport after its rate-limit slot.
            let result: Result<(url: String, expiresAt: Int64), RenewalFailure>
            if await stillHeld(claim, job: job) {
                do {
                    let address = try await HikRequestGate.$check.withValue({ await stillHeld(claim, job: job) }) {
                        try await provider.liveAddress(for: target, lifetime: options.requestedLifetime)
                    }
                    result = .success(address)
                } catch let failure as RenewalFailure {
                    result = .failure(failure)
                } catch {
                    result = .failure(RenewalFailure(.retryable, "\(error)"))
                }
            } else {
                result = .failure(RenewalFailure(.retryable, "lease lost"))
            }
            let shuttingDown = Task.isCancelled && !job.lost
            // Shielded from cancellation: what was fetched is stored, what happened is recorded.
            try await Task {
                try await conclude(
                    claim, target: target, attempt: attempt, renewalID: renewalID, result: result, shuttingDown: shuttingDown, job: job,
                    logger: logger)
            }.value
        } catch {
            // PostgreSQL or Redis failed: the lease expires and the job is reaped and retried.
            logger.warning("Renewal job failed to record; it will be retried", metadata: ["lookout.error": "\(error)"])
        }
    }

    private func conclude(
        _ claim: RenewalQueue.Claim, target: RenewalTarget, attempt: Int, renewalID: Int64,
        result: Result<(url: String, expiresAt: Int64), RenewalFailure>, shuttingDown: Bool, job: JobState, logger: Logger
    ) async throws {
        job.conclude()
        switch result {
        case .success(let address):
            // A worker that lost its lease (stalled past it) must not store over the one that took the job.
            guard await stillHeld(claim, job: job) else {
                try await store.abandoned(renewalID: renewalID)
                RenewalMetrics.outcome("abandoned")
                logger.warning("Renewal lease lost before storing; another worker has the job")
                return
            }
            let now = unixMillis()
            let next = RenewalSchedule(lifetimeShare: options.lifetimeShare).dueAt(issuedAt: now, expiresAt: address.expiresAt)
            try await store.succeeded(renewalID: renewalID, cameraID: target.cameraID, url: address.url, expiresAt: address.expiresAt, nextDueAt: next)
            try await queue.finish(claim, nextDueAt: next, now: now)
            RenewalMetrics.outcome("renewed")
            await alerts?.recover([.renewalFailing, .renewalDead], subjectID: target.cameraID)
            _ = try? await redis.publish(keys.mediamtxChanged, String(target.cameraID))
            logger.info("Stream renewed", metadata: ["lookout.stream.expires_at": "\(address.expiresAt)", "lookout.job.next": "\(next)"])
        case .failure where job.lost:
            try await store.abandoned(renewalID: renewalID)
            RenewalMetrics.outcome("abandoned")
            logger.notice("Renewal abandoned: its lease was lost, another worker has the job")
        case .failure where shuttingDown:
            try await store.abandoned(renewalID: renewalID, reason: "shutdown")
            RenewalMetrics.outcome("cancelled")
            if try await queue.release(claim, dueAt: claim.dueAt, now: unixMillis()) {
                logger.info("Renewal cancelled at shutdown; job released for another worker")
            }
        case .failure(let failure):
            try await fail(claim, target: target, attempt: attempt, renewalID: renewalID, failure: failure, logger: logger)
        }
    }

    private func fail(
        _ claim: RenewalQueue.Claim, target: RenewalTarget, attempt: Int, renewalID: Int64, failure: RenewalFailure, logger: Logger
    ) async throws {
        let now = unixMillis()
        if failure.kind == .credentials {
            try await pauseRenewals(claim, target: target, renewalID: renewalID, failure: failure, logger: logger)
            RenewalMetrics.outcome("paused")
            return
        }
        let plan = RetryPlan(options: options, failure: failure, attempt: attempt, expiresAt: target.streamExpiresAt, now: now)
        try await store.failed(
            renewalID: renewalID, cameraID: target.cameraID, error: plan.error, deviceOffline: failure.kind == .deviceOffline,
            attempts: failure.kind == .deviceOffline ? 0 : attempt, nextDueAt: plan.next)
        try await queue.finish(claim, nextDueAt: plan.next, now: now)
        RenewalMetrics.outcome("\(plan.outcome)")
        let metadata: Logger.Metadata = [
            "lookout.error": "\(failure.message)", "lookout.job.attempt": "\(attempt)", "lookout.job.next": "\(plan.next.map(String.init) ?? "-")",
        ]
        switch plan.outcome {
        case .dead: await alerts?.open(.renewalDead, cameraID: target.cameraID, details: failure.message)
        case .retry where failure.kind == .deviceOffline: break  // a camera state (its device is offline), not a failing renewal
        case .retry, .expired: await alerts?.open(.renewalFailing, cameraID: target.cameraID, details: plan.error)
        }
        switch plan.outcome {
        case .dead:
            RenewalMetrics.dead.increment()
            logger.error("Renewal cannot succeed; camera moved to the dead set", metadata: metadata)
        case .expired:
            RenewalMetrics.expiredFailures.increment()
            logger.error("Stream URL expired and renewal still fails; retrying on the slow cadence", metadata: metadata)
        case .retry:
            logger.warning("Renewal failed; retrying", metadata: metadata)
        }
    }

    /// Credentials refused: pause every renewal (one alert), give this job back unfailed.
    private func pauseRenewals(
        _ claim: RenewalQueue.Claim, target: RenewalTarget, renewalID: Int64, failure: RenewalFailure, logger: Logger
    ) async throws {
        let now = unixMillis()
        if try await pause.engage(reason: failure.message) {
            RenewalMetrics.pauses.increment()
            RenewalMetrics.paused.record(1)
            _ = try? await pause.takeProbeTurn(interval: options.credentialProbe)
            await alerts?.open(.cloudCredentialsRejected, subject: .account, details: failure.message)
            logger.error(
                "Hik-Connect refused the credentials; all renewals paused until a probe succeeds",
                metadata: ["lookout.error": "\(failure.message)", "lookout.renewal.probe_every": "\(options.credentialProbe)"])
        }
        try await store.failed(
            renewalID: renewalID, cameraID: target.cameraID, error: "renewals paused: \(failure.message)", deviceOffline: false,
            attempts: target.attempts, nextDueAt: now)
        try await queue.release(claim, dueAt: claim.dueAt, now: now)
    }

    /// While paused: no claims; one worker probes every `credentialProbe` (and any worker at
    /// its start, which may carry new credentials) and lifts the pause when the probe passes.
    func probeWhilePaused(firstCheck: Bool) async throws -> Bool {
        if !firstCheck {
            guard try await pause.takeProbeTurn(interval: options.credentialProbe) else { return true }
        }
        do throws(RenewalFailure) {
            try await provider.probe()
        } catch where error.kind == .credentials {
            logger.warning("Renewals stay paused: Hik-Connect still refuses the credentials", metadata: ["lookout.error": "\(error.message)"])
            return true
        } catch {
            logger.warning("Renewals stay paused: the credential probe failed", metadata: ["lookout.error": "\(error.message)"])
            return true
        }
        try await pause.lift()
        RenewalMetrics.paused.record(0)
        await alerts?.recover([.cloudCredentialsRejected], subjectID: AlertSubject.account.id)
        logger.notice("Hik-Connect accepts the credentials again; renewals resumed")
        return false
    }
}

/// Whether renewals are paused, as one worker's loop sees it.
struct PauseWatch {
    private var checkedOnce = false
    private var wasPaused = false

    /// True while paused (after probing when it is this worker's turn).
    mutating func check(_ worker: RenewalWorker) async throws -> Bool {
        let first = !checkedOnce
        checkedOnce = true
        guard let reason = try await worker.pause.reason() else {
            if wasPaused { worker.logger.info("Renewals no longer paused") }
            wasPaused = false
            return false
        }
        if !wasPaused { worker.logger.notice("Renewals are paused", metadata: ["lookout.error": "\(reason)"]) }
        wasPaused = true
        RenewalMetrics.paused.record(1)
        let stillPaused = try await worker.probeWhilePaused(firstCheck: first)
        if !stillPaused { wasPaused = false }
        return stillPaused
    }
}

/// When a failed renewal runs again, as the URL's expiry bounds it.
struct RetryPlan {
    enum Outcome { case retry, expired, dead }
    let next: Int64?
    let outcome: Outcome
    let error: String

    init(options: RenewalOptions, failure: RenewalFailure, attempt: Int, expiresAt: Int64?, now: Int64) {
        switch failure.kind {
        case .deviceOffline:
            (next, outcome, error) = (now + options.deviceOfflineRetry.inMilliseconds, .retry, failure.message)
        case .permanent:
            (next, outcome, error) = (nil, .dead, failure.message)
        case .retryable, .credentials:
            let deadline = expiresAt.map { $0 - options.expiryMargin.inMilliseconds }
            if let deadline, now < deadline {
                // Backoff until the deadline; the last try at it.
                let candidate = now + options.retry.delay(afterAttempt: attempt).inMilliseconds
                (next, outcome, error) = (min(candidate, deadline), .retry, failure.message)
            } else {
                // No URL to lose any more: back off up to the slow cadence, never give up.
                let slow = now + options.retry.delay(afterAttempt: attempt, cap: options.expiredRetry).inMilliseconds
                let state = expiresAt == nil ? "no stream URL yet" : "stream URL expired"
                (next, outcome, error) = (slow, .expired, "\(state); retrying every \(options.expiredRetry): \(failure.message)")
            }
        }
    }
}

/// One job's fate, shared by its lease keeper and its work.
final class JobState: Sendable {
    private let state = Mutex((lost: false, concluded: false))
    var lost: Bool { state.withLock { $0.lost } }
    var concluded: Bool { state.withLock { $0.concluded } }
    func loseLease() { state.withLock { $0.lost = true } }
    func conclude() { state.withLock { $0.concluded = true } }
}

/// Counters of the renewal workers (exported where the process serves metrics).
enum RenewalMetrics {
    static let leasesLost = Counter(label: "lookout_renewal_leases_lost_total")
    static let reseeds = Counter(label: "lookout_renewal_queue_reseeds_total")
    static let dead = Counter(label: "lookout_renewal_dead_total")
    static let expiredFailures = Counter(label: "lookout_renewal_expired_failures_total")
    static let pauses = Counter(label: "lookout_renewal_pauses_total")
    static let paused = Gauge(label: "lookout_renewals_paused")

    /// How renewal jobs end: `renewed`, `retry`, `expired` (URL expired, slow retries), `dead`,
    /// `paused` (credentials refused), `abandoned` (lease lost), `cancelled` (shutdown).
    static func outcome(_ outcome: String) {
        Counter(label: "lookout_renewals_total", dimensions: [("outcome", outcome)]).increment()
    }
}

/// Jobs running in this process.
final class InFlight: Sendable {
    private let value = Mutex(0)
    var count: Int { value.withLock { $0 } }
    func add() { value.withLock { $0 += 1 } }
    func remove() { value.withLock { $0 -= 1 } }
}
