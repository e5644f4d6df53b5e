/// One camera (a device channel) in the account, from `areas/cameras/get`.
public struct HikCamera: Sendable, Hashable, Codable {
    /// `camera.id`: the 32-hex resource id that `live/address/get` wants.
    public var resourceId: String
    public var name: String
    /// `camera.device.devInfo.serialNo`, upper case.
    public var deviceSerial: String
    /// `camera.device.channelInfo.no`.
    public var channelNo: Int
    /// `camera.online` ("1"/"0"), when the cloud sent it.
    public var isOnline: Bool?

    public init(resourceId: String, name: String, deviceSerial: String, channelNo: Int, isOnline: Bool? = nil) {
        self.resourceId = resourceId
        self.name = name
        self.deviceSerial = deviceSerial
        self.channelNo = channelNo
        self.isOnline = isOnline
    }

    /// Reads the real shape (`id`, `name`, `online`, `device.devInfo.serialNo`,
    /// `device.channelInfo.no`) and, as a fallback, the simplified one of older guides
    /// (`cameraId`, `cameraName`, `deviceSerial`, `channelNo`, `status`). Nil without an id.
    init?(json: HikJSON) {
        guard let resourceId = (json["id"] ?? json["cameraId"])?.string, !resourceId.isEmpty else { return nil }
        let device = json["device"]
        self.resourceId = resourceId
        name = (json["name"] ?? json["cameraName"])?.string ?? ""
        deviceSerial = (device?["devInfo"]?["serialNo"] ?? json["deviceSerial"] ?? json["deviceSerialNo"])?.string?.uppercased() ?? ""
        channelNo = (device?["channelInfo"]?["no"] ?? json["channelNo"])?.int ?? 1
        isOnline = (json["online"] ?? json["status"])?.int64.map { $0 == 1 }
    }
}
