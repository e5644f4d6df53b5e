import AsyncHTTPClient
import NIOHTTP1
import Foundation
import LookoutCore

/// A path's configuration as `GET /v3/config/paths/…` returns it (effective, merged with
/// pathDefaults); only what the sync compares.
public struct MediaMTXPathConfig: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    /// The configured source (`publisher`, or a URL with credentials: secret).
    public let source: String?

    public init(name: String, source: String?) {
        self.name = name
        self.source = source
    }

    public var description: String { "MediaMTXPathConfig(\(name))" }
}

/// One reader of a live path (`readers[]` of `GET /v3/paths/get/{name}`), e.g. an HLS muxer.
public struct MediaMTXReader: Sendable, Hashable {
    public let type: String
    public let id: String
}

extension MediaMTXAPIClient {
    /// `name` for a URL path: valid names pass unchanged (slashes included); anything else is
    /// percent-encoded so MediaMTX, not the URL parser, rejects it.
    static func escaped(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#%;"))) ?? name
    }

    /// How ``setSource(_:path:)`` got the source in.
    public enum SetOutcome: Sendable, Hashable {
        case patched, added
    }

    /// Sets path `name`'s source: `PATCH /v3/config/paths/patch/{name}`, and on 404 `path not
    /// found` `POST /v3/config/paths/add/{name}`. A 200 means "validated and queued": use
    /// ``confirmSource(_:path:)`` (or ``apply(source:path:)``) to wait until it is applied.
    @discardableResult
    public func setSource(_ source: String, path name: String) async throws(MediaMTXAPIError) -> SetOutcome {
        let body = ["source": source]
        let patch = try await send(.PATCH, "/v3/config/paths/patch/" + Self.escaped(name), json: body, path: name)
        if patch.status != 404 {
            try expectOK(patch, path: name)
            return .patched
        }
        let add = try await send(.POST, "/v3/config/paths/add/" + Self.escaped(name), json: body, path: name)
        try expectOK(add, path: name)
        return .added
    }

    /// Polls `GET /v3/config/paths/get/{name}` until its source is `source`; throws
    /// `.notConfirmed` after `confirmTimeout`.
    public func confirmSource(_ source: String, path name: String) async throws(MediaMTXAPIError) {
        let deadline = ContinuousClock.now + configuration.confirmTimeout
        while true {
            if try await pathConfig(name: name)?.source == source { return }
            guard ContinuousClock.now < deadline else {
                throw MediaMTXAPIError(.notConfirmed, path: name, "the new source did not show within \(configuration.confirmTimeout)")
            }
            do {
                try await Task.sleep(for: configuration.confirmInterval)
            } catch {
                throw MediaMTXAPIError(.cancelled, path: name, "confirmation cancelled")
            }
        }
    }

    /// ``setSource(_:path:)`` then ``confirmSource(_:path:)``.
    @discardableResult
    public func apply(source: String, path name: String) async throws(MediaMTXAPIError) -> SetOutcome {
        let outcome = try await setSource(source, path: name)
        try await confirmSource(source, path: name)
        return outcome
    }

    /// The path's configuration, or nil when MediaMTX has none (404).
    public func pathConfig(name: String) async throws(MediaMTXAPIError) -> MediaMTXPathConfig? {
        let reply = try await send(.GET, "/v3/config/paths/get/" + Self.escaped(name), path: name)
        if reply.status == 404 { return nil }
        try expectOK(reply, path: name)
        guard let object = reply.json as? [String: Any] else {
            throw MediaMTXAPIError(.unexpectedResponse, status: reply.status, path: name, "path config is not a JSON object")
        }
        return MediaMTXPathConfig(name: object["name"] as? String ?? name, source: object["source"] as? String)
    }

    /// Every configured path (`GET /v3/config/paths/list`, every page).
    public func pathConfigs() async throws(MediaMTXAPIError) -> [MediaMTXPathConfig] {
        var configs: [MediaMTXPathConfig] = []
        var page = 0
        while true {
            let reply = try await send(.GET, "/v3/config/paths/list?itemsPerPage=100&page=\(page)")
            try expectOK(reply, path: nil)
            guard let object = reply.json as? [String: Any], let items = object["items"] as? [[String: Any]] else {
                throw MediaMTXAPIError(.unexpectedResponse, status: reply.status, "path list is not the contract's JSON")
            }
            configs += items.compactMap { item in
                (item["name"] as? String).map { MediaMTXPathConfig(name: $0, source: item["source"] as? String) }
            }
            page += 1
            if items.isEmpty || page >= (object["pageCount"] as? Int ?? 0) { return configs }
        }
    }

    /// Deletes path `name`; returns false when MediaMTX had no such path (404).
    @discardableResult
    public func deletePath(name: String) async throws(MediaMTXAPIError) -> Bool {
        let reply = try await send(.DELETE, "/v3/config/paths/delete/" + Self.escaped(name), path: name)
        if reply.status == 404 { return false }
        try expectOK(reply, path: name)
        return true
    }

    /// The readers of live path `name` (`GET /v3/paths/get/{name}`); empty when the path is
    /// not active (404).
    public func readers(path name: String) async throws(MediaMTXAPIError) -> [MediaMTXReader] {
        let reply = try await send(.GET, "/v3/paths/get/" + Self.escaped(name), path: name)
        if reply.status == 404 { return [] }
        try expectOK(reply, path: name)
        guard let object = reply.json as? [String: Any] else {
            throw MediaMTXAPIError(.unexpectedResponse, status: reply.status, path: name, "path is not a JSON object")
        }
        let readers = object["readers"] as? [[String: Any]] ?? []
        return readers.map { MediaMTXReader(type: $0["type"] as? String ?? "", id: $0["id"] as? String ?? "") }
    }
}
