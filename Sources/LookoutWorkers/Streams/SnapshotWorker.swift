public import Logging
import LookoutCore
public import LookoutStore
public import ServiceLifecycle

/// One picture per enabled, online camera every `every` (30 minutes), through the same
/// Hik-Connect client and so inside the account's shared rate limit.
public struct SnapshotWorker: Service {
    let every: Duration
    let inventory: any CameraInventory
    let store: PostgresDiscoveryStore
    let logger: Logger

    public init(every: Duration, inventory: any CameraInventory, store: PostgresDiscoveryStore, logger: Logger) {
        self.every = every
        self.inventory = inventory
        self.store = store
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let due = try await store.snapshotsDue(olderThan: every, limit: 50)
                for camera in due {
                    if Task.isShuttingDownGracefully { break }
                    do {
                        let url = try await inventory.capturePicture(deviceSerial: camera.deviceSerial, channelNo: camera.channelNo)
                        try await store.storeSnapshot(cameraID: camera.cameraID, url: url, at: unixMillis())
                    } catch let failure as RenewalFailure {
                        logger.info("Snapshot failed", metadata: ["lookout.camera.id": "\(camera.cameraID)", "lookout.error": "\(failure.message)"])
                    }
                }
                if due.count == 50 { continue }
            } catch {
                logger.warning("Snapshot round failed", metadata: ["lookout.error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(30))
        }
    }
}
