import Logging
import LookoutCore

extension HikConnectClient {
    static let liveAddressPath = "/api/hccgw/video/v1/live/address/get"
    static let capturePath = "/api/hccgw/resource/v1/device/capturePic"
    /// RTMP URLs may live 30 s to 720 days (reference §5).
    public static let liveAddressLifetimes: ClosedRange<Int> = 30...62_208_000

    /// A new RTMP live URL for one camera (`protocol` 3, `type` "1"). Both ids are required by
    /// the contract: `resourceId` is the camera's 32-hex id, `deviceSerial` its device's serial.
    /// `expireSeconds` is the URL's lifetime in seconds (default 7 days); the answer's
    /// `expiresAt` is absolute Unix milliseconds.
    public func liveAddress(
        resourceId: String, deviceSerial: String, quality: HikStreamQuality = .main, expireSeconds: Int = 604_800
    ) async throws(HikConnectError) -> HikLiveAddress {
        guard Self.liveAddressLifetimes.contains(expireSeconds) else {
            throw HikConnectError(.invalidRequest, "expireSeconds must be within 30...62208000, got \(expireSeconds)")
        }
        let body: HikJSON = [
            "resourceId": .string(resourceId), "deviceSerial": .string(deviceSerial), "type": "1", "protocol": 3,
            "quality": .integer(Int64(quality.rawValue)), "expireTime": .integer(Int64(expireSeconds)),
        ]
        do throws(HikConnectError) {
            let address = try HikLiveAddress(data: try await call(Self.liveAddressPath, body: body))
            logger.debug(
                "Live address issued", metadata: ["lookout.hik.resource_id": "\(resourceId)", "lookout.hik.expires_at": "\(address.expiresAt)"])
            return address
        } catch {
            logFailure("Live address refused", error, metadata: ["lookout.hik.resource_id": "\(resourceId)"])
            throw error
        }
    }

    /// `liveAddress` for a camera from `cameras()`.
    public func liveAddress(for camera: HikCamera, quality: HikStreamQuality = .main, expireSeconds: Int = 604_800) async throws(HikConnectError)
        -> HikLiveAddress
    {
        try await liveAddress(resourceId: camera.resourceId, deviceSerial: camera.deviceSerial, quality: quality, expireSeconds: expireSeconds)
    }

    /// A snapshot of one channel (`device/capturePic`).
    public func capturePicture(deviceSerial: String, channelNo: Int) async throws(HikConnectError) -> HikPicture {
        let body: HikJSON = ["deviceSerial": .string(deviceSerial), "channelNo": .integer(Int64(channelNo))]
        do throws(HikConnectError) {
            let data = try await call(Self.capturePath, body: body)
            guard let url = (data["captureUrl"] ?? data["picUrl"])?.string, !url.isEmpty else {
                throw HikConnectError(.invalidResponse, "device/capturePic: data.captureUrl missing")
            }
            return HikPicture(url: url, isEncrypted: data["isEncrypted"]?.int64 == 1, capturedAt: unixMillis())
        } catch {
            logFailure("Snapshot refused", error, metadata: ["lookout.hik.device_serial": "\(deviceSerial)", "lookout.hik.channel": "\(channelNo)"])
            throw error
        }
    }

    /// Device states are news, not alarms: offline and encrypted log at info, the rest at warning.
    func logFailure(_ message: Logger.Message, _ error: HikConnectError, metadata: Logger.Metadata) {
        var metadata = metadata
        metadata["lookout.hik.error"] = "\(error.code)"
        if let errorCode = error.errorCode { metadata["lookout.hik.error_code"] = "\(errorCode)" }
        let level: Logger.Level = error.code == .deviceOffline || error.code == .encrypted || error.code == .cancelled ? .info : .warning
        logger.log(level: level, message, metadata: metadata)
    }
}
