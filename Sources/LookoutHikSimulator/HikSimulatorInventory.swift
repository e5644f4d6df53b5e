/// The simulated account's devices and cameras: `devices` NVRs × `channels` cameras, every id
/// derived from the seed, so the same options always give the same resource ids.
public struct HikSimulatorInventory: Sendable {
    public struct Device: Sendable, Hashable, Codable {
        /// 32 hex characters.
        public let id: String
        /// Upper-case serial, e.g. `Q12345678`.
        public let serialNo: String
        public let name: String
        public let model: String
        public let channels: Int
    }

    public struct Camera: Sendable, Hashable, Codable {
        /// The resourceId: 32 hex characters.
        public let id: String
        public let name: String
        public let deviceId: String
        public let deviceSerial: String
        public let channelNo: Int
        /// The channel's own id in `channelInfo.id`.
        public let channelId: String
    }

    public let devices: [Device]
    /// Ordered by device, then channel: the order `areas/cameras/get` pages through.
    public let cameras: [Camera]
    private let camerasById: [String: Camera]
    private let devicesBySerial: [String: Device]

    public init(devices deviceCount: Int, channels: Int, seed: UInt64) {
        var devices: [Device] = []
        var cameras: [Camera] = []
        let serialBase = Self.mix(seed, 0) % 100_000_000
        for index in 0..<max(0, deviceCount) {
            let serial = "Q" + Self.digits((serialBase + UInt64(index) * 7919) % 100_000_000, width: 8)
            let name = "NVR-" + Self.digits(UInt64(index + 1), width: 3)
            let device = Device(
                id: Self.hexID(seed, UInt64(index), 0), serialNo: serial, name: name, model: "DS-7616NI-SIM", channels: channels)
            devices.append(device)
            for channel in stride(from: 1, through: channels, by: 1) {
                cameras.append(
                    Camera(
                        id: Self.hexID(seed, UInt64(index), UInt64(channel)), name: "\(name) Camera \(Self.digits(UInt64(channel), width: 2))",
                        deviceId: device.id, deviceSerial: serial, channelNo: channel,
                        channelId: Self.hexID(seed ^ 0x5eed, UInt64(index), UInt64(channel))))
            }
        }
        self.devices = devices
        self.cameras = cameras
        camerasById = Dictionary(cameras.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        devicesBySerial = Dictionary(devices.map { ($0.serialNo, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func camera(id: String) -> Camera? { camerasById[id] }
    public func device(serial: String) -> Device? { devicesBySerial[serial.uppercased()] }

    /// splitmix64 over the seed and two indexes: stable across runs and platforms.
    static func mix(_ seed: UInt64, _ value: UInt64) -> UInt64 {
        var z = seed &+ value &* 0x9E37_79B9_7F4A_7C15 &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func hexID(_ seed: UInt64, _ a: UInt64, _ b: UInt64) -> String {
        let high = mix(mix(seed, a), b &+ 1)
        let low = mix(high, 0xA5A5)
        return hex(high, width: 16) + hex(low, width: 16)
    }

    static func hex(_ value: UInt64, width: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    static func digits(_ value: UInt64, width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
