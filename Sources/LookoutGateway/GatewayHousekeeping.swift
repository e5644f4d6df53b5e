import Foundation
import Logging
import LookoutCore
import LookoutRedis
import ServiceLifecycle
import Synchronization

/// The gateway's once-a-second chores, as one Service (and, on shutdown, the NVR drain,
/// ``shutdown(_:)``):
/// - flush the heartbeats since the last tick into the liveness set, in one round trip with a
///   check of Redis's data marker; heartbeats Redis did not take are kept for the next tick;
/// - when the marker says Redis lost its data, re-announce every session here: a new version,
///   liveness and `connected`, so the store, the sweeper and the version counters know it again;
/// - publish the presence events that wait for Redis (``PresenceOutbox``);
/// - close sockets silent for 1.5 heartbeat intervals and announce them `disconnected` at once;
/// - every fifth tick, refresh this gateway's own key (stats, TTL).
///
/// docs/reliability.md, "Redis outages and data loss: presence".
struct GatewayHousekeeping: Service {
    let configuration: GatewayConfiguration
    let lifecycle: NVRSessionLifecycle
    let redis: RedisClient
    let dashboards: @Sendable () -> Int
    let startedAt: Int64
    let logger: Logger

    /// Sessions re-announced per round trip after a data loss.
    static let reannounceBatch = 500

    private struct Tick {
        var marker: RedisDataMarker
        var reannounce = false
        /// Since when Redis has not answered housekeeping, while it does not.
        var unreachableSince: ContinuousClock.Instant?
        var count = 0
    }

    func run() async throws {
        var tick = Tick(marker: RedisDataMarker(key: configuration.keys.dataMarker))
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            // Woken at once by graceful shutdown: the drain below should not wait out a tick.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: configuration.flushInterval) }
            if Task.isShuttingDownGracefully { break }
            await flushLiveness(&tick)
            if tick.reannounce { tick.reannounce = !(await reannounce()) }
            await lifecycle.outbox.flush()
            await closeSilentSessions()
            if tick.count % 5 == 0 { await refreshStats() }
            tick.count += 1
        }
        await shutdown(&tick)
    }

    /// Heartbeats into the liveness set, with the data-marker check, in one round trip.
    private func flushLiveness(_ tick: inout Tick) async {
        let seen = lifecycle.registry.drainSeen()
        let reply: RESPValue
        do {
            reply = try await lifecycle.publisher.flushLiveness(seen, marker: tick.marker)
        } catch {
            // Kept for the next tick (newest wins): the sweeper must not read a live NVR as silent.
            lifecycle.registry.restoreSeen(seen)
            lifecycle.outbox.noteRedis(reachable: false)
            if tick.unreachableSince == nil {
                tick.unreachableSince = .now
                logger.warning("Redis unreachable; heartbeats and presence events are kept until it answers", metadata: ["lookout.redis.error": "\(error)"])
            }
            return
        }
        lifecycle.outbox.noteRedis(reachable: true)
        if let since = tick.unreachableSince {
            tick.unreachableSince = nil
            logger.notice(
                "Redis answers again",
                metadata: ["lookout.redis.outage_ms": "\((ContinuousClock.now - since).inMilliseconds)", "lookout.nvr.heartbeats": "\(seen.count)"])
        }
        if tick.marker.observe(reply) == .lost {
            logger.warning("Redis lost its data; re-announcing this gateway's sessions", metadata: ["lookout.gateway.sessions": "\(lifecycle.registry.count)"])
            tick.reannounce = true
        }
    }

    /// Every session here takes a new version and is announced again (liveness and `connected`,
    /// through the outbox). The floor is the session's own version + 1, which beats the stored
    /// one: the store holds a newer version only when a newer connection was announced, and the
    /// hub then closes this one as replaced. Returns false when Redis failed (tried again next
    /// tick; sessions done already just take one more version).
    private func reannounce() async -> Bool {
        let sessions = lifecycle.registry.all
        var announced = 0
        for start in stride(from: 0, to: sessions.count, by: Self.reannounceBatch) {
            let chunk = Array(sessions[start..<min(start + Self.reannounceBatch, sessions.count)])
            let versions: [Int64]
            do {
                versions = try await lifecycle.publisher.takeVersions(chunk.map { (hostname: $0.hostname, floor: $0.currentVersion + 1) })
            } catch {
                logger.warning("Could not re-announce sessions; will retry", metadata: ["lookout.redis.error": "\(error)"])
                return false
            }
            let now = unixMillis()
            var events: [PresenceEvent] = []
            for (session, version) in zip(chunk, versions) {
                session.version.store(version, ordering: .relaxed)
                // Ended meanwhile: its `disconnected` (of either version) settles it.
                guard !session.isEnded else { continue }
                events.append(lifecycle.publisher.connectedEvent(session, at: now))
            }
            announced += events.count
            // Kept if Redis fails now: they go out before anything newer.
            _ = await lifecycle.outbox.publish(events, keep: true)
        }
        logger.notice("Sessions re-announced", metadata: ["lookout.gateway.sessions": "\(announced)"])
        return true
    }

    private func closeSilentSessions() async {
        let limit = unixMillis() - Int64(configuration.silenceLimit.components.seconds * 1000)
        for session in lifecycle.registry.all where session.lastSeen.load(ordering: .relaxed) < limit {
            var logger = logger
            logger[metadataKey: "lookout.nvr.hostname"] = "\(session.hostname)"
            logger.info("Closing silent NVR connection")
            await lifecycle.end(session, closing: .heartbeatTimeout, logger: logger)
        }
    }

    /// Writes the stats key (`/api/stats`), with a TTL so a crashed gateway drops out.
    private func refreshStats() async {
        let key = configuration.keys.gateway(configuration.gatewayID)
        let sessions = lifecycle.registry.all
        let stats = GatewayStats(
            gateway: configuration.gatewayID, startedAt: startedAt, nvrConnections: sessions.count, dashboardClients: dashboards(),
            nvrHostnames: sessions.map(\.hostname).sorted())
        let json = (try? String(decoding: JSONEncoder().encode(stats), as: UTF8.self)) ?? "{}"
        do {
            try await redis.send(.set(key, json, ttl: configuration.heartbeatInterval * 3))
        } catch {
            logger.debug("Could not refresh gateway key", metadata: ["lookout.redis.error": "\(error)"])
        }
    }

    /// Graceful shutdown, the drain (docs/architecture.md, "Draining"): `/readyz` turns 503
    /// and new sockets are refused with 1012, so the load balancer sends no one here; then the
    /// NVR sockets are closed with 1012 spread evenly over the drain window (the i-th of n at
    /// window · (i+1)/n), each session ending with a `handover`, so the agents reconnect
    /// elsewhere a few at a time and none is recorded offline. Liveness of the sessions still
    /// here and this gateway's stats key keep being written meanwhile. Cancellation (the group's
    /// shutdown limit) closes the rest at once.
    private func shutdown(_ tick: inout Tick) async {
        lifecycle.registry.startDraining()
        let clock = ContinuousClock()
        let started = clock.now
        let sessions = lifecycle.registry.all
        let schedule = DrainSchedule(count: sessions.count, window: configuration.drainWindow)
        logger.notice(
            "Draining: /readyz answers 503, NVR connections close with 1012",
            metadata: ["lookout.gateway.sessions": "\(sessions.count)", "lookout.gateway.drain_window_ms": "\(configuration.drainWindow.inMilliseconds)"])
        var closed = 0
        var handedOver = 0
        var lastFlush = started
        while closed < sessions.count {
            let due = Task.isCancelled ? sessions.count : schedule.due(after: clock.now - started)
            if due > closed {
                handedOver += await lifecycle.handOver(Array(sessions[closed..<due]), logger: logger)
                closed = due
            }
            guard closed < sessions.count else { break }
            if clock.now - lastFlush >= configuration.flushInterval {
                lastFlush = clock.now
                await flushLiveness(&tick)
                await lifecycle.outbox.flush()
                await refreshStats()
            }
            try? await Task.sleep(for: DrainSchedule.step)
        }
        // One last try for what waits (events from an outage, and these if Redis failed before).
        let waiting = await lifecycle.outbox.flush() ? 0 : await lifecycle.outbox.count
        if waiting > 0 {
            // Lost with this process: the sweeper marks those NVRs offline if their liveness
            // expires, and their sessions stay open in the history.
            logger.error("Presence events not published before shutdown", metadata: ["lookout.presence.backlog": "\(waiting)"])
        }
        _ = try? await redis.del(configuration.keys.gateway(configuration.gatewayID))
        logger.notice(
            "NVR connections drained",
            metadata: [
                "lookout.gateway.sessions": "\(sessions.count)", "lookout.gateway.handed_over": "\(handedOver)",
                "lookout.gateway.drain_ms": "\((clock.now - started).inMilliseconds)",
            ])
    }
}
