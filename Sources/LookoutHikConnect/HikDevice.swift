/// One NVR or IPC in the account, from `devices/get`.
public struct HikDevice: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    /// Upper case, as in `HikCamera.deviceSerial`.
    public var serialNo: String
    public var category: String?
    public var model: String?
    /// `onlineStatus`: 0…2, 1 is online.
    public var onlineStatus: Int?

    public var isOnline: Bool { onlineStatus == 1 }

    public init(id: String, name: String, serialNo: String, category: String? = nil, model: String? = nil, onlineStatus: Int? = nil) {
        self.id = id
        self.name = name
        self.serialNo = serialNo
        self.category = category
        self.model = model
        self.onlineStatus = onlineStatus
    }

    init?(json: HikJSON) {
        guard let serialNo = json["serialNo"]?.string, !serialNo.isEmpty else { return nil }
        id = json["id"]?.string ?? ""
        name = json["name"]?.string ?? ""
        self.serialNo = serialNo.uppercased()
        category = json["category"]?.string
        model = json["type"]?.string
        onlineStatus = json["onlineStatus"]?.int
    }
}
