import Hummingbird
import LookoutCore

extension HikSimulatorAPIRoutes {
    static let lifetimes = 30...62_208_000

    /// `live/address/get` (§5): validates, then mints a new URL with its own `id` and `expire`.
    /// The signature `t` is visibly fake (`fa4efa4e…`); nothing here is a real credential.
    func liveAddress(_ body: HikSimulatorBody, _ options: HikCloudSimulator.Options) -> Response {
        let invalid = HikSimulatorReply.failure(options.parameterErrorCode)
        guard let resourceId = body.string("resourceId"), !resourceId.isEmpty, let serial = body.string("deviceSerial")?.uppercased(), !serial.isEmpty
        else { return invalid }
        let streamProtocol = body.int("protocol") ?? 1
        let quality = body.int("quality") ?? 1
        let requestedLifetime = body.int("expireTime") ?? 604_800
        guard (1...3).contains(streamProtocol), (1...2).contains(quality), Self.lifetimes.contains(requestedLifetime) else { return invalid }
        if streamProtocol != 1, body.string("type") ?? "1" != "1", !options.lenientType { return invalid }
        guard let camera = control.inventory.camera(id: resourceId), camera.deviceSerial == serial else {
            return HikSimulatorReply.failure("OPEN000503")
        }
        guard control.isOnline(serial) else { return HikSimulatorReply.failure("EVZ20007") }
        if control.isEncrypted(serial), streamProtocol != 1 || (body.string("code") ?? "").isEmpty {
            return HikSimulatorReply.failure("EVZ60019")
        }
        let now = unixMillis()
        let expiresAt = now + Int64(options.urlLifetimeSeconds ?? requestedLifetime) * 1000
        let id = control.issueLiveAddress(resourceId: resourceId, at: now)
        let query = "expire=\(expiresAt / 1000)&id=\(id)&c=\(Self.fakeHex(id, 10))&t=\(Self.fakeSignature(id))&ev=100"
        let stream = "\(camera.deviceSerial)_\(camera.channelNo)_\(quality)"
        let url =
            switch streamProtocol {
            case 3: "rtmp://\(Self.hostWithPort(options.rtmpHost, 1935))/v3/openlive/\(stream)?\(query)"
            case 2: "https://\(Self.hostWithPort(options.rtmpHost, 8883))/v3/openlive/\(stream).m3u8?\(query)"
            default: "ezopen://open.ezviz.com/\(camera.deviceSerial)/\(camera.channelNo)\(quality == 1 ? ".hd" : "").live"
            }
        let payload = HikSimulatorPayloads.LiveAddress(id: id, url: url, expireTime: .number(expiresAt))
        return HikSimulatorReply.success(payload, numbersAsStrings: options.numbersAsStrings)
    }

    /// `device/capturePic` (§6): a picture URL on this simulator (`GET /sim/pictures/…`).
    func capturePicture(_ body: HikSimulatorBody, _ options: HikCloudSimulator.Options) -> Response {
        guard let serial = body.string("deviceSerial")?.uppercased(), let channel = body.int("channelNo") else {
            return HikSimulatorReply.failure(options.parameterErrorCode)
        }
        guard let device = control.inventory.device(serial: serial), (1...max(1, device.channels)).contains(channel) else {
            return HikSimulatorReply.failure("EVZ20002")
        }
        guard control.isOnline(serial) else { return HikSimulatorReply.failure("EVZ20007") }
        control.countPicture()
        let expire = unixMillis() / 1000 + 7200
        let url = "\(control.baseURL ?? "")/sim/pictures/\(serial)_\(channel).jpeg?expire=\(expire)&t=\(Self.fakeSignature(String(expire)))"
        let payload = HikSimulatorPayloads.Capture(captureUrl: url, isEncrypted: .number(control.isEncrypted(serial) ? 1 : 0))
        return HikSimulatorReply.success(payload, numbersAsStrings: options.numbersAsStrings)
    }

    static func hostWithPort(_ host: String, _ port: Int) -> String {
        host.contains(":") ? host : "\(host):\(port)"
    }

    /// 64 hex characters that announce themselves as fake, varied by `seed` so URLs differ.
    static func fakeSignature(_ seed: String) -> String {
        String(repeating: "fa4e", count: 12) + fakeHex(seed, 16)
    }

    static func fakeHex(_ seed: String, _ count: Int) -> String {
        let value = seed.utf8.reduce(UInt64(0xCBF2_9CE4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
        return String(HikSimulatorInventory.hex(HikSimulatorInventory.mix(value, 7), width: 16).prefix(count))
    }
}
