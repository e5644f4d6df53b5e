public import LookoutHikConnect
public import LookoutStore

/// The Hik-Connect client as the streams workers use it: live addresses for renewals, the
/// camera inventory for discovery, pictures for snapshots; its errors sorted by what to do next.
public struct HikConnectStreams: LiveAddressProvider, CameraInventory {
    let client: HikConnectClient

    public init(client: HikConnectClient) {
        self.client = client
    }

    public func liveAddress(for target: RenewalTarget, lifetime: Duration) async throws(RenewalFailure) -> (url: String, expiresAt: Int64) {
        guard let resourceID = target.resourceID, let serial = target.deviceSerial else {
            throw RenewalFailure(.permanent, "camera has no Hik-Connect resource id or device serial")
        }
        let seconds = Int(lifetime.components.seconds)
        do {
            let address = try await client.liveAddress(
                resourceId: resourceID, deviceSerial: serial, expireSeconds: min(max(seconds, 30), 62_208_000))
            return (address.url, address.expiresAt)
        } catch {
            throw Self.failure(error)
        }
    }

    public func probe() async throws(RenewalFailure) {
        do {
            try await client.probe()
        } catch {
            throw Self.failure(error)
        }
    }

    public func cameras() async throws -> [DiscoveredCamera] {
        do {
            return try await client.cameras().map {
                DiscoveredCamera(resourceID: $0.resourceId, name: $0.name, deviceSerial: $0.deviceSerial, channelNo: $0.channelNo)
            }
        } catch {
            throw Self.failure(error)
        }
    }

    public func capturePicture(deviceSerial: String, channelNo: Int) async throws(RenewalFailure) -> String {
        do {
            return try await client.capturePicture(deviceSerial: deviceSerial, channelNo: channelNo).url
        } catch {
            throw Self.failure(error)
        }
    }

    /// Device offline is a camera state; refused credentials (or a token refused even after a
    /// fresh login) concern the whole account; server trouble is worth a retry; the rest is not.
    static func failure(_ error: HikConnectError) -> RenewalFailure {
        switch error.code {
        case .deviceOffline: RenewalFailure(.deviceOffline, "device offline (\(error.code))")
        case .badCredentials, .tokenInvalid: RenewalFailure(.credentials, "Hik-Connect \(error.code): \(error.message)")
        case .serverError, .timeout, .unreachable, .circuitOpen, .rateLimited, .redis, .invalidResponse, .cancelled:
            RenewalFailure(.retryable, "Hik-Connect \(error.code): \(error.message)")
        default: RenewalFailure(.permanent, "Hik-Connect \(error.code): \(error.message)")
        }
    }
}
