import Foundation
import Logging
import LookoutCore
import LookoutRedis
import ServiceLifecycle
import Synchronization

/// The gateway's once-a-second chores, as one Service (and, on shutdown, the NVR drain):
/// - flush the heartbeats since the last tick into the liveness set (one ZADD);
/// - close sockets silent for 1.5 heartbeat intervals and announce them `disconnected` at once;
/// - refresh this gateway's own key (stats, TTL) and notice when Redis lost it, i.e. lost its
///   data: then re-announce every session with a new version, so the store and the sweeper see
///   them again.
struct GatewayHousekeeping: Service {
    let configuration: GatewayConfiguration
    let lifecycle: NVRSessionLifecycle
    let redis: RedisClient
    let listener: GatewayListener
    let dashboards: @Sendable () -> Int
    let startedAt: Int64
    let logger: Logger

    func run() async throws {
        var announced = false
        var tick = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            // Woken at once by graceful shutdown: the drain below should not wait out a tick.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: configuration.flushInterval) }
            if Task.isShuttingDownGracefully { break }
            do {
                try await lifecycle.publisher.flushLiveness(lifecycle.registry.drainSeen())
            } catch {
                logger.warning("Could not flush liveness", metadata: ["lookout.redis.error": "\(error)"])
            }
            await closeSilentSessions()
            if tick % 5 == 0 { announced = await announce(wasAnnounced: announced) }
            tick += 1
        }
        await shutdown()
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

    /// Writes the stats key; returns whether it is in place. A key that vanished while we held
    /// it means Redis restarted empty.
    private func announce(wasAnnounced: Bool) async -> Bool {
        let key = configuration.keys.gateway(configuration.gatewayID)
        let sessions = lifecycle.registry.all
        let stats = GatewayStats(
            gateway: configuration.gatewayID, startedAt: startedAt, nvrConnections: sessions.count, dashboardClients: dashboards(),
            nvrHostnames: sessions.map(\.hostname).sorted())
        let json = (try? String(decoding: JSONEncoder().encode(stats), as: UTF8.self)) ?? "{}"
        do {
            let replies = try await redis.pipelineChecked([.exists(key), .set(key, json, ttl: configuration.heartbeatInterval * 3)])
            if wasAnnounced && replies[0].int == 0 { await reannounce(sessions) }
            return true
        } catch {
            logger.warning("Could not refresh gateway key", metadata: ["lookout.redis.error": "\(error)"])
            return wasAnnounced
        }
    }

    private func reannounce(_ sessions: [NVRSession]) async {
        logger.warning("Redis lost this gateway's key; re-announcing sessions", metadata: ["lookout.gateway.sessions": "\(sessions.count)"])
        for session in sessions {
            do {
                let version = try await lifecycle.publisher.takeVersion(hostname: session.hostname, floor: session.currentVersion + 1)
                session.version.store(version, ordering: .relaxed)
                try await lifecycle.publisher.connected(hostname: session.hostname, version: version, sessionID: session.sessionID, at: unixMillis())
            } catch {
                logger.warning("Could not re-announce session", metadata: ["lookout.nvr.hostname": "\(session.hostname)"])
            }
        }
    }

    /// Graceful shutdown: no new connections, then every agent is told to go elsewhere, and its
    /// end is announced.
    private func shutdown() async {
        lifecycle.registry.startDraining()
        await listener.pause()
        let started = ContinuousClock.now
        let sessions = lifecycle.registry.all
        logger.info("Closing NVR connections for shutdown", metadata: ["lookout.gateway.sessions": "\(sessions.count)"])
        await lifecycle.endAll(sessions, closing: .goingAway, logger: logger)
        _ = try? await redis.del(configuration.keys.gateway(configuration.gatewayID))
        logger.notice(
            "NVR connections drained",
            metadata: ["lookout.gateway.sessions": "\(sessions.count)", "lookout.gateway.drain_ms": "\((ContinuousClock.now - started).inMilliseconds)"])
    }
}
