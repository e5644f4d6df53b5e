import Foundation
import Hummingbird
import NIOCore

extension MediaMTXDouble {
    /// The `/sim/` test controls (see ``MediaMTXDouble``).
    func simulatorControl(_ request: Request) async -> Response {
        let path = request.uri.path
        let body = await (try? request.body.collect(upTo: 1 << 20)).flatMap { try? JSONValue.parse(Data($0.readableBytesView)) }
        let object: [String: JSONValue] = if case .object(let object) = body { object } else { [:] }
        switch (request.method, path) {
        case (.post, "/sim/down"):
            await setDown(.unavailable)
        case (.post, "/sim/up"):
            await setDown(nil)
        case (.post, "/sim/auth"):
            guard let user = object["user"]?.string, let pass = object["pass"]?.string else {
                return json(.object(["error": .string("user and pass are required")]), status: .badRequest)
            }
            await requireCredentials(user: user, pass: pass)
        case (.delete, "/sim/auth"):
            await openAccess()
        case (.post, "/sim/legacy"):
            await setLegacyBodies(object["enabled"] == .bool(true))
        case (.post, _) where path.hasPrefix("/sim/readers/"):
            guard case .number(let count) = object["count"] ?? .null, count >= 0 else {
                return json(.object(["error": .string("count is required")]), status: .badRequest)
            }
            guard await setReaders(path: String(path.dropFirst("/sim/readers/".count)), count: Int(count)) else {
                return json(.object(["error": .string("path not found")]), status: .notFound)
            }
        case (.get, "/sim/hls"):
            let entries = await hlsRequests().map { entry -> JSONValue in
                .object([
                    "file": .string(entry.file), "path": .string(entry.path), "token": entry.token.map(JSONValue.string) ?? .null,
                    "status": .number(Double(entry.status)),
                ])
            }
            return json(.object(["requests": .array(entries)]))
        case (.get, "/sim/state"):
            let sources = await sources().mapValues(JSONValue.string)
            return json(.object(["paths": .object(sources), "requests": .array(await requests().map(JSONValue.string))]))
        default:
            return json(.object(["error": .string("unknown control")]), status: .notFound)
        }
        return json(.object(["status": .string("ok")]))
    }
}
