public import LookoutStore

/// Where discovery finds cameras and snapshots come from: Hik-Connect in production.
public protocol CameraInventory: Sendable {
    func cameras() async throws -> [DiscoveredCamera]
    /// A picture of the camera now; returns its URL.
    func capturePicture(deviceSerial: String, channelNo: Int) async throws(RenewalFailure) -> String
}
