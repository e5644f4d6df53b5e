import Logging

extension HikConnectClient {
    static let camerasPath = "/api/hccgw/resource/v1/areas/cameras/get"
    static let devicesPath = "/api/hccgw/resource/v1/devices/get"
    /// A safety stop for a server whose pages never end.
    static let maximumPages = 10_000

    /// Every camera of the account: `areas/cameras/get` page by page (`configuration.pageSize`,
    /// 500 by default) until a short page or `totalCount` is reached.
    public func cameras() async throws(HikConnectError) -> [HikCamera] {
        let rows = try await allPages(Self.camerasPath, listKeys: ["camera", "list"]) { pageIndex, pageSize in
            [
                "pageIndex": .string(String(pageIndex)), "pageSize": .integer(Int64(pageSize)),
                "filter": ["areaID": "-1", "includeSubArea": "1", "deviceID": "", "deviceSerialNo": ""],
            ]
        }
        return rows.compactMap(HikCamera.init(json:))
    }

    /// Every NVR/IPC of the account: `devices/get` page by page.
    public func devices() async throws(HikConnectError) -> [HikDevice] {
        let rows = try await allPages(Self.devicesPath, listKeys: ["device", "list"]) { pageIndex, pageSize in
            ["pageIndex": .integer(Int64(pageIndex)), "pageSize": .integer(Int64(pageSize)), "filter": ["matchKey": ""]]
        }
        return rows.compactMap(HikDevice.init(json:))
    }

    /// Stops on whichever comes first: an empty or short page, or `pageIndex * pageSize >= totalCount`.
    private func allPages(
        _ path: String, listKeys: [String], body: (Int, Int) -> HikJSON
    ) async throws(HikConnectError) -> [HikJSON] {
        let pageSize = max(1, min(500, configuration.pageSize))
        var rows: [HikJSON] = []
        for pageIndex in 1...Self.maximumPages {
            let data = try await call(path, body: body(pageIndex, pageSize))
            let page = listKeys.lazy.compactMap { data[$0]?.array }.first ?? []
            rows += page
            let total = (data["totalCount"] ?? data["total"])?.int
            if page.count < pageSize || total.map({ pageIndex * pageSize >= $0 }) == true { break }
        }
        logger.debug("Hik-Connect list read", metadata: ["lookout.hik.path": "\(path)", "lookout.hik.count": "\(rows.count)"])
        return rows
    }
}

extension HikConnectClient {
    /// One cheap authenticated request (`devices/get`, one row): whether the account's
    /// credentials and token work now. Renewal workers probe with it while renewals are paused.
    public func probe() async throws(HikConnectError) {
        _ = try await call(Self.devicesPath, body: ["pageIndex": 1, "pageSize": 1, "filter": ["matchKey": ""]])
    }
}
