public import Logging
import LookoutCore
public import LookoutStore

/// `POST /api/hikvision/initialize` and `lookout discover`: every camera the cloud knows is
/// upserted by resource id, linked to its NVR by device serial, enabled, and its first renewal
/// is due at once. A re-run changes nothing.
public struct DiscoveryService: Sendable {
    let inventory: any CameraInventory
    let store: PostgresDiscoveryStore
    let queue: RenewalQueue
    let logger: Logger

    public init(inventory: any CameraInventory, store: PostgresDiscoveryStore, queue: RenewalQueue, logger: Logger) {
        self.inventory = inventory
        self.store = store
        self.queue = queue
        self.logger = logger
    }

    public func run() async throws -> DiscoveryCounts {
        let cameras = try await inventory.cameras()
        let counts = try await store.upsert(cameras)
        let now = unixMillis()
        for id in counts.createdIDs { try await queue.schedule(cameraID: id, dueAt: now, pullEarlierOnly: true) }
        logger.info(
            "Discovery finished",
            metadata: [
                "lookout.discovery.found": "\(counts.found)", "lookout.discovery.created": "\(counts.created)",
                "lookout.discovery.updated": "\(counts.updated)", "lookout.discovery.skipped": "\(counts.skipped.count)",
            ])
        return counts
    }
}
