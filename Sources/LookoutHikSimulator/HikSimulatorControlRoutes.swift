import Foundation
import Hummingbird

/// `/sim/…`: what tests and ops use to look at and steer the simulated cloud at run time.
///
/// - `GET /sim/stats`, `POST /sim/stats/reset`
/// - `GET /sim/options`, `POST /sim/options` (a JSON object with any `Options` fields to change)
/// - `POST /sim/tokens/revoke`
/// - `POST /sim/devices/{serial}/offline|online|encrypted|unencrypted`
/// - `POST /sim/failures` `{"count":N,"status":503}`: the next N API requests get that 5xx
/// - `GET /sim/issued`: camera (resourceId) → Unix ms of every live address issued for it
/// - `GET /sim/inventory`; `GET /sim/pictures/{name}` (placeholder bytes for capture URLs)
/// - outages through `POST /sim/options`: `{"failStatus":500}` (every request, until `null`),
///   `{"rateLimitStorm":true}` (every request rate-limited), `{"secretKey":"…"}` (logins fail)
struct HikSimulatorControlRoutes: Sendable {
    let control: HikSimulatorControl

    func register(on router: Router<BasicRequestContext>) {
        router.get("/sim/stats") { _, _ in json(control.stats()) }
        router.post("/sim/stats/reset") { _, _ in
            control.resetStats()
            return json(control.stats())
        }
        router.get("/sim/options") { _, _ in json(control.options) }
        router.post("/sim/options") { request, _ in try await updateOptions(request) }
        router.post("/sim/tokens/revoke") { _, _ in
            control.revokeTokens()
            return json(["revoked": true])
        }
        router.post("/sim/devices/:serial/:state") { _, context in
            let serial = try context.parameters.require("serial")
            guard control.inventory.device(serial: serial) != nil else { return Response(status: .notFound) }
            switch try context.parameters.require("state") {
            case "offline": control.setOnline(false, deviceSerial: serial)
            case "online": control.setOnline(true, deviceSerial: serial)
            case "encrypted": control.setEncrypted(true, deviceSerial: serial)
            case "unencrypted": control.setEncrypted(false, deviceSerial: serial)
            default: return Response(status: .notFound)
            }
            return json(["deviceSerial": serial.uppercased()])
        }
        router.post("/sim/failures") { request, _ in
            var request = request
            let body = HikSimulatorBody(try await request.collectBody(upTo: 1 << 16)) ?? HikSimulatorBody(fields: [:])
            let status = body.int("status") ?? 500
            guard (500...599).contains(status) else { return Response(status: .badRequest) }
            control.failNext(body.int("count") ?? 1, status: status)
            return json(["count": body.int("count") ?? 1, "status": status])
        }
        router.get("/sim/inventory") { _, _ in json(control.inventory.cameras) }
        router.get("/sim/issued") { _, _ in json(control.issuedAddresses()) }
        router.get("/sim/pictures/:name") { _, _ in
            // Not a decodable image: JPEG start and end markers around a label.
            let bytes: [UInt8] = [0xFF, 0xD8] + Array("lookout hik simulator".utf8) + [0xFF, 0xD9]
            return Response(status: .ok, headers: [.contentType: "image/jpeg"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    /// Merges the posted fields into the current options (unknown fields are ignored).
    private func updateOptions(_ request: Request) async throws -> Response {
        var request = request
        let posted = try await request.collectBody(upTo: 1 << 16)
        let current = try JSONSerialization.jsonObject(with: JSONEncoder().encode(control.options)) as? [String: Any] ?? [:]
        guard let changes = try? JSONSerialization.jsonObject(with: Data(posted.readableBytesView)) as? [String: Any] else {
            return Response(status: .badRequest)
        }
        let merged = current.merging(changes) { $1 }
        guard var options = try? JSONDecoder().decode(HikCloudSimulator.Options.self, from: JSONSerialization.data(withJSONObject: merged)) else {
            return Response(status: .badRequest)
        }
        control.update { current in
            // The inventory and the listening address are fixed once running.
            (options.devices, options.channels, options.seed) = (current.devices, current.channels, current.seed)
            (options.host, options.port) = (current.host, current.port)
            current = options
        }
        return json(control.options)
    }

    private func json(_ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return HikSimulatorReply.json((try? encoder.encode(value)) ?? Data("{}".utf8))
    }
}
