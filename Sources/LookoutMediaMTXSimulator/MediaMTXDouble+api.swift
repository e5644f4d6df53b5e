import Foundation
import Hummingbird
import Logging
import NIOCore

extension MediaMTXDouble {
    /// Dispatches one request: `/sim/` controls, then down mode, auth, and the `/v3` routes.
    func respond(to request: Request) async -> Response {
        let path = request.uri.path.removingPercentEncoding ?? request.uri.path
        if path.hasPrefix("/sim/") { return await simulatorControl(request) }
        await state.record("\(request.method.rawValue) \(path)")
        if await state.downMode != nil {
            return Response(status: .serviceUnavailable, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "service unavailable")))
        }
        if let refusal = await authenticate(request) { return refusal }
        let query = request.uri.queryParameters
        do {
            switch (request.method, path) {
            case (.get, "/v3/info"):
                return json(.object(["version": .string("v1.20.1-double"), "started": .string("2026-08-22T00:00:00Z")]))
            case (.get, "/v3/config/pathdefaults/get"):
                return json(.object(DoublePathConf.defaults))
            case (.get, "/v3/config/paths/list"):
                let paths = await state.applied
                var items: [JSONValue] = []
                for name in paths.keys.sorted() { items.append(.object(await state.effective(name) ?? [:])) }
                return try paginate(items, query)
            case (.get, "/v3/paths/list"):
                var items: [JSONValue] = []
                for name in await state.applied.keys.sorted() where !name.hasPrefix("~") { items.append(await runtimePath(name)) }
                return try paginate(items, query)
            case (.get, _) where path.hasPrefix("/v3/config/paths/get/"):
                let name = String(path.dropFirst("/v3/config/paths/get/".count))
                guard !name.isEmpty else { return await error(400, "invalid name") }
                guard let conf = await state.effective(name) else { return await error(404, "path configuration not found") }
                return json(.object(conf))
            case (.get, _) where path.hasPrefix("/v3/paths/get/"):
                let name = String(path.dropFirst("/v3/paths/get/".count))
                guard !name.isEmpty else { return await error(400, "invalid name") }
                guard await state.applied[name] != nil, !name.hasPrefix("~") else { return await error(404, "path not found") }
                return json(await runtimePath(name))
            case (.post, _) where path.hasPrefix("/v3/config/paths/add/"):
                return try await mutate(.add, path.dropFirst("/v3/config/paths/add/".count), request)
            case (.patch, _) where path.hasPrefix("/v3/config/paths/patch/"):
                return try await mutate(.patch, path.dropFirst("/v3/config/paths/patch/".count), request)
            case (.post, _) where path.hasPrefix("/v3/config/paths/replace/"):
                return try await mutate(.replace, path.dropFirst("/v3/config/paths/replace/".count), request)
            case (.delete, _) where path.hasPrefix("/v3/config/paths/delete/"):
                return try await mutate(.delete, path.dropFirst("/v3/config/paths/delete/".count), request)
            default:
                // gin's default for unknown routes and wrong methods.
                return Response(status: .notFound, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "404 page not found")))
            }
        } catch let refusal as MediaMTXDoubleState.Refusal {
            return await error(refusal.status, refusal.message)
        } catch {
            return await self.error(500, "\(error)")
        }
    }

    func mutate(_ mutation: MediaMTXDoubleState.Mutation, _ name: Substring, _ request: Request) async throws -> Response {
        var body: [String: JSONValue]?
        if mutation != .delete {
            let bytes = try await request.body.collect(upTo: 10 << 20)
            let value: JSONValue
            do {
                value = try JSONValue.parse(Data(bytes.readableBytesView))
            } catch {
                return await self.error(400, error.message)
            }
            guard case .object(let object) = value else {
                return await self.error(400, "json: cannot unmarshal \(value.goTypeName) into Go value of type conf.OptionalPath")
            }
            if let problem = DoublePathConf.decodingProblem(object) { return await self.error(400, problem) }
            body = object
        }
        try await state.mutate(mutation, name: String(name), body: body)
        logger.debug("MediaMTX double config change", metadata: ["lookout.mediamtx.path": "\(name)", "lookout.mediamtx.change": "\(mutation)"])
        return await ok()
    }

    /// The runtime Path object (`defs/api_path.go:APIPath`).
    func runtimePath(_ name: String) async -> JSONValue {
        let conf = await state.effective(name) ?? [:]
        let runtime = await state.runtime[name] ?? .init()
        let source = conf["source"]?.string ?? "publisher"
        let isStatic = source != "publisher" && source != "redirect"
        let available = isStatic && ContinuousClock.now >= runtime.availableAt
        let scheme = source.split(separator: ":").first.map(String.init) ?? ""
        return .object([
            "name": .string(name), "confName": .string(name),
            "source": isStatic ? .object(["type": .string("\(scheme)Source"), "id": .string("")]) : .null,
            "available": .bool(available), "availableTime": .null, "online": .bool(available), "onlineTime": .null,
            "ready": .bool(available), "readyTime": .null, "tracks": .array([]), "tracks2": .array([]),
            "readers": .array(runtime.readers), "inboundBytes": .number(0), "outboundBytes": .number(0),
            "inboundFramesInError": .number(0), "bytesReceived": .number(0), "bytesSent": .number(0),
        ])
    }

    /// `api/paginate.go:paginate`.
    func paginate(_ items: [JSONValue], _ query: Parameters) throws(MediaMTXDoubleState.Refusal) -> Response {
        func number(_ key: String, default fallback: Int) throws(MediaMTXDoubleState.Refusal) -> Int {
            guard let text = query.get(key) else { return fallback }
            guard let value = UInt(text) else {
                throw .init(status: 400, message: "strconv.ParseUint: parsing \"\(text)\": invalid syntax")
            }
            return Int(value)
        }
        let perPage = try number("itemsPerPage", default: 100)
        guard perPage > 0 else { throw .init(status: 400, message: "invalid items per page") }
        let page = try number("page", default: 0)
        let pageCount = (items.count + perPage - 1) / perPage
        let start = min(page * perPage, items.count)
        let slice = Array(items[start..<min(start + perPage, items.count)])
        return json(.object(["itemCount": .number(Double(items.count)), "pageCount": .number(Double(pageCount)), "items": .array(slice)]))
    }

    func authenticate(_ request: Request) async -> Response? {
        guard let expected = await state.credentials else { return nil }
        var given: (String, String)?
        if let header = request.headers[.authorization] {
            if header.hasPrefix("Basic "), let data = Data(base64Encoded: String(header.dropFirst(6))),
                let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
            {
                given = (String(text[..<colon]), String(text[text.index(after: colon)...]))
            } else if header.hasPrefix("Bearer ") {
                let parts = header.dropFirst(7).split(separator: ":", omittingEmptySubsequences: false)
                if parts.count == 2 { given = (String(parts[0]), String(parts[1])) }
            }
        }
        if let given, given == expected { return nil }
        let legacy = await state.legacyBodies
        let body = legacy ? ByteBuffer() : ByteBuffer(string: JSONValue.object(["status": .string("error"), "error": .string("authentication error")]).text)
        return Response(
            status: .unauthorized, headers: [.contentType: "application/json", .wwwAuthenticate: "Basic realm=\"mediamtx\""], body: .init(byteBuffer: body))
    }

    func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: value.text)))
    }

    func ok() async -> Response {
        if await state.legacyBodies { return Response(status: .ok, body: .init(byteBuffer: ByteBuffer())) }
        return json(.object(["status": .string("ok")]))
    }

    func error(_ status: Int, _ message: String) async -> Response {
        let body: JSONValue =
            await state.legacyBodies
            ? .object(["error": .string(message)]) : .object(["status": .string("error"), "error": .string(message)])
        return json(body, status: HTTPResponse.Status(code: status))
    }
}
