public import Logging
public import LookoutCore
public import LookoutRedis
public import ServiceLifecycle

/// Keeps MediaMTX serving the paths a ``ManagedPathSource`` (PostgreSQL) wants: the managed
/// paths of `mediamtx.yml` (written atomically, at most once a second) and the same paths
/// through the Control API (patched, confirmed), for changed paths only.
///
/// **One active instance.** Every replica runs a sync; the one holding the Redis lease
/// (``MediaMTXLease``, `<prefix>mediamtx:lease`) works, the others retry every
/// `leaseRenewInterval` and take over when the lease expires or is released at shutdown. An
/// active sync that cannot renew for `leaseTTL - leaseRenewInterval` stops working, before a
/// standby could take over.
///
/// **Level-triggered.** A round compares the whole desired state with the file and with
/// MediaMTX's configured paths and fixes every difference. Rounds run at start, every
/// `reconcileInterval`, on ``requestReconcile()``, and on any message on
/// `<prefix>mediamtx:changed` (``MediaMTXChangeSignal``), so a restarted MediaMTX, a lost API
/// change or a missed signal converge by the next round. A failed round is retried with backoff.
///
/// **The file on disk is the truth.** A round compares its rendering with the file as read
/// now, not with its own last write, so a file something else replaced (a restored backup with
/// expired URLs) is restored, with a warning and `lookout_mediamtx_file_restored_total`. The
/// lease is re-checked right before the rename and before API changes (fencing).
///
/// **Swaps.** A source change drops the path's viewers, so a pending URL goes live when the path
/// has no readers, or at its deadline, whichever comes first; until then the old URL stays. After
/// the API confirms the new source, ``ManagedPathSource/promoted(name:source:)`` moves it to
/// current in the store.
///
/// ```swift
/// let api = MediaMTXAPIClient(configuration: .init(baseURL: "http://127.0.0.1:9997", username: user, password: pass), logger: logger)
/// let sync = MediaMTXSync(
///     options: MediaMTXSyncOptions(configPath: "mediamtx.yml"), source: PostgresStreamPaths(client: postgres),
///     api: api, redis: redis, keys: settings.keys, logger: logger)
/// services = [redis, postgres, sync]   // run in the role's ServiceGroup
/// ```
public final class MediaMTXSync: Service, Sendable {
    /// What a sync is doing, for health checks and tests.
    public struct Status: Sendable, Hashable {
        /// Holds the lease and reconciles.
        public var isActive = false
        /// Rounds finished since start (successful or not).
        public var rounds = 0
        /// Rounds that found nothing left to fix.
        public var cleanRounds = 0
        /// The last round's problem, nil when it was clean. Never contains a URL.
        public var lastProblem: String?
        /// Times `mediamtx.yml` (or its sidecar) was found readable by more users than
        /// ``MediaMTXSyncOptions/filePermissions`` allow (then replaced with those).
        public var looseFileModesFound = 0
        /// The mode of the last file found too open, in octal (`0644`); nil once replaced.
        public var looseFileMode: String?
        /// Times `mediamtx.yml` was found changed by something else since this sync wrote it
        /// (a restored backup, another writer); each time the managed paths were restored.
        public var externalChangesRestored = 0
    }

    public let options: MediaMTXSyncOptions
    let source: any ManagedPathSource
    let api: MediaMTXAPIClient
    let redis: RedisClient
    let keys: RedisKeys
    let lease: MediaMTXLease
    let writer: CoalescingFileWriter
    let managedNames: MediaMTXManagedNames
    let wakeup = SyncWakeup()
    let state = SyncState()
    let logger: Logger

    public init(
        options: MediaMTXSyncOptions, source: any ManagedPathSource, api: MediaMTXAPIClient, redis: RedisClient, keys: RedisKeys, logger: Logger
    ) {
        self.options = options
        self.source = source
        self.api = api
        self.redis = redis
        self.keys = keys
        let lease = MediaMTXLease(redis: redis, key: keys.mediamtxLease, ttl: options.leaseTTL)
        self.lease = lease
        // Fenced: the lease is re-checked right before the rename, so a sync that lost it
        // (stalled past its TTL while another took over) never replaces the file.
        self.writer = CoalescingFileWriter(
            path: options.configPath, minInterval: options.minWriteInterval, permissions: options.filePermissions,
            fence: { (try? await lease.holds()) == true })
        self.managedNames = MediaMTXManagedNames(configPath: options.configPath, permissions: options.filePermissions)
        self.logger = logger
    }

    /// Asks for a round now (a change signal without Redis).
    public func requestReconcile() async {
        await wakeup.signal()
    }

    public var status: Status {
        get async { await state.status }
    }

    /// How many times the config file was written by this instance.
    public var fileWrites: Int {
        get async { await writer.writeCount }
    }

    /// Runs until graceful shutdown (or cancellation), then releases the lease.
    public func run() async throws {
        let subscriber =
            options.listenForChanges
            ? RedisSubscriber(channels: [keys.mediamtxChanged], configuration: redis.configuration, logger: logger) : nil
        await withTaskGroup(of: Void.self) { group in
            if let subscriber {
                group.addTask { try? await subscriber.run() }
                group.addTask {
                    // `.subscribed` too: anything published while unsubscribed was missed.
                    for await _ in subscriber.events { await self.wakeup.signal() }
                }
            }
            await cancelWhenGracefulShutdown { await self.leaseLoop() }
            group.cancelAll()
        }
        // Shielded from cancellation (a new task): releasing lets a standby take over at once.
        await Task { [lease, logger] in
            do {
                try await lease.release()
            } catch {
                logger.warning("MediaMTX sync lease not released", metadata: ["lookout.mediamtx.error": "\(error)"])
            }
        }.value
        logger.info("MediaMTX sync stopped")
    }

    /// Standby until the lease is ours, then active until it is lost; repeat.
    func leaseLoop() async {
        while !Task.isCancelled {
            let acquired: Bool
            do {
                acquired = try await lease.acquire()
            } catch {
                logger.warning("MediaMTX sync cannot reach Redis for its lease", metadata: ["lookout.mediamtx.error": "\(error)"])
                acquired = false
            }
            if acquired {
                logger.info("MediaMTX sync active", metadata: ["lookout.mediamtx.lease": "\(lease.token)"])
                await state.setActive(true)
                await runWhileHoldingLease()
                await state.setActive(false)
                if !Task.isCancelled { logger.warning("MediaMTX sync lost its lease; standing by") }
            }
            try? await Task.sleep(for: options.leaseRenewInterval)
        }
    }

    /// Reconciles in a loop while a sibling task renews the lease; returns when the lease is lost.
    func runWhileHoldingLease() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.renewUntilLost() }
            group.addTask { await self.reconcileLoop() }
            _ = await group.next()
            group.cancelAll()
        }
    }

    func renewUntilLost() async {
        var lastRenewed = ContinuousClock.now
        let stepDown = options.leaseTTL - options.leaseRenewInterval
        while !Task.isCancelled {
            try? await Task.sleep(for: options.leaseRenewInterval)
            if Task.isCancelled { return }
            do {
                guard try await lease.renew() else { return }
                lastRenewed = .now
            } catch {
                logger.warning("MediaMTX sync lease not renewed", metadata: ["lookout.mediamtx.error": "\(error)"])
                if ContinuousClock.now - lastRenewed >= stepDown { return }
            }
        }
    }

    func reconcileLoop() async {
        var failures = 0
        while !Task.isCancelled {
            let started = ContinuousClock.now
            let outcome = await reconcile()
            if Task.isCancelled { return }
            MediaMTXMetrics.finishedRound(took: ContinuousClock.now - started, problem: outcome.problem)
            await state.finishedRound(problem: outcome.problem)
            let delay: Duration
            if outcome.problem != nil {
                delay = min(options.retry.delay(attempt: failures), outcome.nextCheck ?? options.reconcileInterval)
                failures += 1
            } else {
                failures = 0
                delay = min(outcome.nextCheck ?? options.reconcileInterval, options.reconcileInterval)
            }
            _ = await wakeup.wait(for: delay)
        }
    }
}

/// The sync's mutable state: status, and API deletions still owed.
actor SyncState {
    private(set) var status = MediaMTXSync.Status()
    /// Paths removed from the file whose API deletion has not succeeded yet.
    var pendingDeletes: Set<String> = []

    func setActive(_ active: Bool) {
        status.isActive = active
        MediaMTXMetrics.setActive(active)
    }

    func foundLooseMode(_ mode: String?) {
        if mode != nil { status.looseFileModesFound += 1 }
        status.looseFileMode = mode
    }

    func finishedRound(problem: String?) {
        status.rounds += 1
        if problem == nil { status.cleanRounds += 1 }
        status.lastProblem = problem
    }

    func foundExternalChange() { status.externalChangesRestored += 1 }

    func owe(deletes names: Set<String>) { pendingDeletes.formUnion(names) }
    func deleted(_ name: String) { pendingDeletes.remove(name) }
}
