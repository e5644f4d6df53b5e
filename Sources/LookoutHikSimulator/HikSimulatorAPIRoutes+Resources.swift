import Hummingbird

extension HikSimulatorAPIRoutes {
    /// `areas/cameras/get` (§4a): the real shape, filtered by `deviceSerialNo` or `cameraID`.
    func cameras(_ body: HikSimulatorBody, _ options: HikCloudSimulator.Options) -> Response {
        guard let page = Self.page(body, defaultSize: 500) else { return HikSimulatorReply.failure(options.parameterErrorCode) }
        var rows = control.inventory.cameras
        let filter = body.object("filter")
        if let serial = filter?.string("deviceSerialNo"), !serial.isEmpty { rows = rows.filter { $0.deviceSerial == serial.uppercased() } }
        if let ids = filter?.strings("cameraID"), !ids.isEmpty { rows = rows.filter { ids.contains($0.id) } }
        let cameras = Self.slice(rows, index: page.index, size: page.size).map { camera in
            HikSimulatorPayloads.Camera(
                id: camera.id, name: camera.name, online: .string(control.isOnline(camera.deviceSerial) ? 1 : 0), abilitySet: "capture,live",
                area: .init(id: HikSimulatorInventory.hexID(options.seed, 0xA4EA, 0), name: "Simulated site"),
                device: .init(
                    devInfo: .init(id: camera.deviceId, serialNo: camera.deviceSerial, category: "encodingDevice", streamSecretKey: "sim-not-a-key"),
                    channelInfo: .init(id: camera.channelId, no: .string(camera.channelNo))))
        }
        let payload = HikSimulatorPayloads.CameraPage(
            totalCount: .number(rows.count), pageIndex: .number(page.index), pageSize: .number(page.size), camera: Array(cameras))
        return HikSimulatorReply.success(payload, numbersAsStrings: options.numbersAsStrings)
    }

    /// `devices/get` (§4b): `onlineStatus` a number, 1 online.
    func devices(_ body: HikSimulatorBody, _ options: HikCloudSimulator.Options) -> Response {
        guard let page = Self.page(body, defaultSize: 50) else { return HikSimulatorReply.failure(options.parameterErrorCode) }
        let rows = control.inventory.devices
        let devices = Self.slice(rows, index: page.index, size: page.size).map { device in
            HikSimulatorPayloads.Device(
                id: device.id, name: device.name, category: "encodingDevice", type: device.model, serialNo: device.serialNo,
                version: "V4.62.210 build 230712", timeZone: "46", onlineStatus: .number(control.isOnline(device.serialNo) ? 1 : 0),
                addTime: "2024-01-01T00:00:00Z")
        }
        let payload = HikSimulatorPayloads.DevicePage(
            totalCount: .number(rows.count), pageIndex: .number(page.index), pageSize: .number(page.size), device: Array(devices))
        return HikSimulatorReply.success(payload, numbersAsStrings: options.numbersAsStrings)
    }
}
