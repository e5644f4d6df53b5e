import Foundation
public import Logging
import Metrics
public import LookoutCore
public import LookoutNotify
public import LookoutRedis
public import LookoutStore
public import ServiceLifecycle

/// Finds NVRs that PostgreSQL holds online but whose liveness expired: sockets that died
/// without a close, gateways that crashed. For each it appends a `disconnected` event with the
/// stored version to the presence stream, so the offline goes through the same fenced path as
/// every other change: if the NVR reconnected meanwhile, its newer version wins. Several
/// sweepers may run at once; duplicates change nothing.
///
/// Liveness is only as fresh as the gateways could write it: after any trouble with Redis (an
/// error, a freeze, a reconnect, a data loss) the sweeper expires no one for one heartbeat
/// interval from when Redis answers normally again (``LivenessTrust``), so that gateways can
/// flush the heartbeats they kept or re-announce their sessions.
///
/// It also copies liveness into `last_seen_at` in batches, and raises one alert per NVR that
/// stays offline past the flap grace (stored: `nvr_offline`), recovered (`nvr_back`) on the first
/// sweep after the NVR is online again.
public struct PresenceSweeper: Service {
    let options: SweeperOptions
    let keys: RedisKeys
    let heartbeatInterval: Duration
    let flapGrace: Duration
    let redis: RedisClient
    let store: PostgresPresenceStore
    let notifier: NotificationPublisher
    let logger: Logger

    public init(
        options: SweeperOptions, keys: RedisKeys, heartbeatInterval: Duration, flapGrace: Duration, redis: RedisClient,
        store: PostgresPresenceStore, notifier: NotificationPublisher, logger: Logger
    ) {
        self.options = options
        self.keys = keys
        self.heartbeatInterval = heartbeatInterval
        self.flapGrace = flapGrace
        self.redis = redis
        self.store = store
        self.notifier = notifier
        self.logger = logger
    }

    var expireAfterMillis: Int64 { Int64(Double(heartbeatMillis) * options.expireAfter) }

    var heartbeatMillis: Int64 { Int64(heartbeatInterval.components.seconds * 1000 + heartbeatInterval.components.attoseconds / 1_000_000_000_000_000) }

    public func run() async throws {
        logger.info("Presence sweeper started")
        var state = SweepState(trust: trust(), marker: RedisDataMarker(key: keys.dataMarker))
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await sweep(&state)
            } catch {
                // PostgreSQL failing says nothing about liveness; anything else may be Redis.
                if !(error is StoreError) { state.trust.failed() }
                logger.warning("Sweep failed; will retry", metadata: ["lookout.error": "\(error)"])
            }
            try? await Task.sleep(for: options.interval)
        }
    }

    /// Grace: `startupGrace` heartbeat intervals (one by default). Silence: a quarter of an
    /// interval (what the liveness set's margin can absorb: NVRs expire after 1.5 intervals,
    /// heartbeat every interval, and gateways flush every second), but never below four sweeps.
    func trust() -> LivenessTrust {
        let sweepMillis = Int64(options.interval.components.seconds * 1000 + options.interval.components.attoseconds / 1_000_000_000_000_000)
        return LivenessTrust(grace: Int64(Double(heartbeatMillis) * options.startupGrace), silenceLimit: max(heartbeatMillis / 4, sweepMillis * 4))
    }

    struct SweepState {
        var trust: LivenessTrust
        var marker: RedisDataMarker
        /// The Redis client's connection count at the last answer: a change is a reconnect.
        var connections: Int?
        /// When the liveness set was first seen empty while NVRs were online.
        var emptySince: Int64?
        var lastSeenFlushedAt: Int64 = 0
        var lastTrimAt: Int64 = 0
    }

    func sweep(_ state: inout SweepState) async throws {
        let now = unixMillis()
        try await expire(now: now, state: &state)
        if now - state.lastSeenFlushedAt >= 5000 {
            try await flushLastSeen(since: state.lastSeenFlushedAt - 2000)
            state.lastSeenFlushedAt = now
        }
        let alerts = try await store.takeDueAlerts(grace: flapGrace)
        if !alerts.isEmpty {
            try await notifier.publish(
                alerts.map { .alert(nvrID: $0.id, hostname: $0.hostname, message: "NVR offline", at: $0.offlineSince) })
        }
        // The stored alerts: nvr_offline opened above (same statement), nvr_back when the NVR is online again.
        let recorder = AlertRecorder(alerts: PostgresAlertRepository(client: store.client, logger: logger), notifier: notifier, logger: logger)
        await recorder.published(
            alerts.compactMap { due in due.alertID.map { PostgresPresenceStore.offlineEvent(alertID: $0, nvr: (due.id, due.hostname, due.offlineSince)) } })
        await recorder.published(try await recorder.alerts.recoverNVRsBackOnline())
        if now - state.lastTrimAt >= 60_000 {
            // Liveness of NVRs gone for an hour is no longer needed.
            try await redis.send(RedisCommand("ZREMRANGEBYSCORE", [keys.liveness, "-inf", String(now - 3_600_000)]))
            state.lastTrimAt = now
        }
    }

    /// One round trip every sweep, also with no one to expire, so that trouble with Redis is
    /// seen when it happens: the data marker, the liveness set's size and the candidates' scores.
    private func expire(now: Int64, state: inout SweepState) async throws {
        let cutoff = now - expireAfterMillis
        // A connection younger than the limit cannot have expired yet.
        let candidates = try await store.onlineNVRs().filter { $0.statusChangedAt < cutoff }
        var commands = state.marker.commands + [.zcard(keys.liveness)]
        if !candidates.isEmpty { commands.append(RedisCommand("ZMSCORE", [keys.liveness] + candidates.map(\.hostname))) }
        let sentAt = unixMillis()
        let replies = try await redis.pipelineChecked(commands)
        let connections = await redis.connectionCount
        defer { state.connections = connections }
        let lost = state.marker.observe(replies[1]) == .lost
        if let trouble = state.trust.answered(
            at: unixMillis(), reconnected: state.connections.map { $0 != connections } ?? false, dataLost: lost)
        {
            graceStarted(trouble, state.trust)
        }
        guard !candidates.isEmpty else {
            state.emptySince = nil
            return
        }
        guard state.trust.mayExpire(readAt: sentAt) else { return }
        if replies[2].int == 0 {
            // Redis may have restarted empty: gateways re-announce within one heartbeat interval.
            let since = state.emptySince ?? now
            state.emptySince = since
            if Double(now - since) < Double(heartbeatMillis) * options.startupGrace { return }
        } else {
            state.emptySince = nil
        }
        let scores = replies[3].array ?? []
        var expired: [OnlineNVR] = []
        for (index, nvr) in candidates.enumerated() {
            let score = index < scores.count ? scores[index].double : nil
            if score.map({ Int64($0) < cutoff }) ?? true { expired.append(nvr) }
        }
        guard !expired.isEmpty else { return }
        let commandsToExpire = expired.map { nvr in
            RedisCommand.xadd(
                keys.presenceStream, maxLength: 1_000_000,
                fields: PresenceEvent(
                    kind: .disconnected, hostname: nvr.hostname, version: nvr.version, sessionID: nvr.sessionID ?? "unknown",
                    gatewayID: nvr.gatewayID ?? "sweeper", at: now, reason: "expired"
                ).streamFields)
        }
        _ = try await redis.pipelineChecked(commandsToExpire)
        logger.info("Expired silent NVRs", metadata: ["lookout.nvr.hostnames": "\(expired.prefix(20).map(\.hostname))", "lookout.nvr.count": "\(expired.count)"])
    }

    /// Logged and counted (`lookout_sweeper_grace_total{reason}`): no NVR expires until then.
    private func graceStarted(_ trouble: LivenessTrust.Trouble, _ trust: LivenessTrust) {
        Counter(label: "lookout_sweeper_grace_total", dimensions: [("reason", trouble.rawValue)]).increment()
        let metadata: Logger.Metadata = ["lookout.sweeper.reason": "\(trouble.rawValue)", "lookout.sweeper.grace_ms": "\(trust.grace)"]
        if trouble == .started {
            logger.info("Liveness trusted after one heartbeat interval", metadata: metadata)
        } else {
            logger.warning("Redis had trouble; no NVR expires for one heartbeat interval", metadata: metadata)
        }
    }

    private func flushLastSeen(since: Int64) async throws {
        let seen = try await redis.zrangeByScore(keys.liveness, min: String(max(0, since)), max: "+inf")
        guard !seen.isEmpty else { return }
        try await store.recordLastSeen(seen.map { (hostname: $0.member, at: Int64($0.score)) })
    }
}
