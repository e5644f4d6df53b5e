import Foundation
import Logging
import LookoutCore
import LookoutNotify
import LookoutRedis
import LookoutStore

/// Tells dashboards about changes made through the API, the way workers tell them about
/// presence: numbered notifications with the NVR's full state, so a repeat is harmless; and
/// `{"type":"nvr_removed","nvrId":…}` when an NVR is deleted. Also publishes the
/// ``GatewayControl`` messages that close revoked connections.
///
/// Failures are logged, not thrown: the change is committed, and a dashboard's next snapshot
/// shows it.
struct APINotifier: Sendable {
    let redis: RedisClient
    let keys: RedisKeys
    let nvrs: PostgresNVRRepository
    let logger: Logger

    var publisher: NotificationPublisher { NotificationPublisher(redis: redis, keys: keys) }

    /// Publishes the current state of these NVRs (nil ids are skipped).
    func nvrsChanged(_ ids: [Int64?]) async {
        let ids = Array(Set(ids.compactMap { $0 })).sorted()
        guard !ids.isEmpty else { return }
        do {
            let states = try await nvrs.states(ids: ids)
            await publish(states.map { Notification.nvr($0) }.map { ($0.body, $0.ordering) })
        } catch {
            logger.warning("Could not read NVRs to notify dashboards", metadata: ["lookout.store.error": "\(error.message)"])
        }
    }

    func nvrRemoved(id: Int64, hostname: String) async {
        struct Removed: Encodable {
            let type = "nvr_removed"
            let nvrId: Int64
            let hostname: String
        }
        guard let body = try? JSONResponse.encoder.encode(Removed(nvrId: id, hostname: hostname)) else { return }
        // Ranked above any state: a state read before the delete is not published after it.
        await publish([(String(decoding: body, as: UTF8.self), ("nvr:\(id)", Int64.max))])
    }

    /// Asks every gateway to close the NVR's connection with 4006. Returns whether Redis took it.
    func revoke(hostname: String, reason: String) async -> Bool {
        do {
            _ = try await redis.publish(keys.gatewayControl, GatewayControl.revoke(hostname: hostname, reason: reason).json)
            return true
        } catch {
            logger.warning("Could not publish an NVR revocation", metadata: ["lookout.redis.error": "\(error)", "lookout.nvr.hostname": "\(hostname)"])
            return false
        }
    }

    private func publish(_ notifications: [(body: String, ordering: (subject: String, rank: Int64)?)]) async {
        guard !notifications.isEmpty else { return }
        do {
            try await publisher.publish(ordered: notifications)
        } catch {
            logger.warning("Could not notify dashboards of an API change", metadata: ["lookout.redis.error": "\(error)"])
        }
    }
}
