import Foundation
import Yams

/// `mediamtx.yml` as text, with the one edit Lookout makes to it: replacing the paths it manages.
///
/// ``rendering(sources:formerlyManaged:)`` keeps every top-level key and every path Lookout does
/// not manage as it was (semantically: the file goes through a Yams compose/serialize round trip,
/// which keeps key order and scalar styles but drops comments), sets each managed path to exactly
/// `{source: "<url>"}`, removes the formerly managed paths that are no longer wanted, and
/// validates the result (``validate(managed:)``) before returning it. Managed names and URLs are
/// emitted double-quoted, so MediaMTX's legacy yes/no/on/off conversion can never touch them.
public struct MediaMTXConfig: Sendable, Hashable {
    /// The YAML text.
    public let yaml: String

    /// Parses `yaml`; throws `.invalidYAML` unless it is a mapping.
    public init(yaml: String) throws(MediaMTXConfigError) {
        _ = try Self.compose(yaml)
        self.yaml = yaml
    }

    /// Reads and parses the file at `path`.
    public static func load(path: String) throws(MediaMTXConfigError) -> MediaMTXConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw MediaMTXConfigError(.io, "cannot read \(path): \(error.localizedDescription)")
        }
        return try MediaMTXConfig(yaml: text)
    }

    /// Path name → `source` of every path in the file that has a string source, managed or not.
    public var pathSources: [String: String] {
        guard let root = try? Self.compose(yaml), let paths = root.mapping?["paths"]?.mapping else { return [:] }
        var sources: [String: String] = [:]
        for (key, value) in paths {
            if let name = key.string, let source = value.mapping?["source"]?.string { sources[name] = source }
        }
        return sources
    }

    /// Every name under `paths:`, in file order.
    public var pathNames: [String] {
        guard let root = try? Self.compose(yaml), let paths = root.mapping?["paths"]?.mapping else { return [] }
        return paths.keys.compactMap(\.string)
    }

    /// This file with the managed paths set to `sources` (name → URL) and the paths in
    /// `formerlyManaged` but not in `sources` removed. Every other path and key is kept.
    public func rendering(sources: [String: String], formerlyManaged: Set<String>) throws(MediaMTXConfigError) -> MediaMTXConfig {
        for (name, source) in sources {
            try MediaMTXValidation.checkPathName(name)
            try MediaMTXValidation.checkSource(source, path: name)
        }
        guard var root = try Self.compose(yaml).mapping else { throw MediaMTXConfigError(.invalidYAML, "the file is not a mapping") }
        var kept: [(Node, Node)] = []
        for (key, value) in root["paths"]?.mapping ?? [:] {
            guard let name = key.string else { continue }
            if let source = sources[name] {
                kept.append((key, Self.managedPath(source: source)))
            } else if !formerlyManaged.contains(name) {
                kept.append((key, value))
            }
        }
        let present = Set(kept.compactMap { $0.0.string })
        for name in sources.keys.sorted() where !present.contains(name) {
            kept.append((Node(name, .implicit, .doubleQuoted), Self.managedPath(source: sources[name]!)))
        }
        root["paths"] = .mapping(.init(kept))  // `{}` when empty: an empty scalar would be a string to MediaMTX
        let text: String
        do {
            text = Self.header + (try Yams.serialize(node: .mapping(root), indent: 2, width: -1, allowUnicode: true))
        } catch {
            throw MediaMTXConfigError(.invalidYAML, "cannot serialise the rendered file: \(error)")
        }
        let rendered = try MediaMTXConfig(yaml: text)
        try rendered.validate(managed: sources)
        return rendered
    }

    /// Checks what MediaMTX would check on load: known top-level and path keys, accepted path
    /// names, and that each managed path reads back with exactly the intended source.
    public func validate(managed sources: [String: String]) throws(MediaMTXConfigError) {
        guard let root = try Self.compose(yaml).mapping else { throw MediaMTXConfigError(.invalidYAML, "the file is not a mapping") }
        for key in root.keys {
            guard let name = key.string, MediaMTXKeys.topLevel.contains(name) else {
                throw MediaMTXConfigError(.unknownKey, "top-level key '\(key.string ?? "?")' is not a MediaMTX setting")
            }
        }
        try Self.checkPathKeys(root["pathDefaults"], where: "pathDefaults")
        var found: [String: String] = [:]
        for (key, value) in root["paths"]?.mapping ?? [:] {
            guard let name = key.string, MediaMTXValidation.isAcceptedPathKey(name) else {
                throw MediaMTXConfigError(.invalidPathName, "path '\(key.string ?? "?")' is not a valid path name")
            }
            try Self.checkPathKeys(value, where: "path '\(name)'")
            if sources[name] != nil { found[name] = value.mapping?["source"]?.string }
        }
        for (name, source) in sources where found[name] != source {
            throw MediaMTXConfigError(.invalidYAML, "managed path '\(name)' does not read back with its source")
        }
    }

    /// The first lines of every file Lookout writes.
    static let header = """
        # Written by Lookout's MediaMTX sync. Comments are not kept. The paths listed in the sidecar
        # file (<this file>.managed) are Lookout's and are rewritten from PostgreSQL; edit anything else.

        """

    static func managedPath(source: String) -> Node {
        .mapping(.init([(Node("source", .implicit, .plain), Node(source, .implicit, .doubleQuoted))]))
    }

    static func checkPathKeys(_ node: Node?, where place: String) throws(MediaMTXConfigError) {
        guard let node, node.null == nil, !(node.scalar?.string.isEmpty ?? false) else { return }
        guard let mapping = node.mapping else { throw MediaMTXConfigError(.invalidYAML, "\(place) is not a mapping") }
        for key in mapping.keys where !MediaMTXKeys.path.contains(key.string ?? "") {
            throw MediaMTXConfigError(.unknownKey, "\(place): '\(key.string ?? "?")' is not a MediaMTX path setting")
        }
    }

    /// A YAML error without the quoted line, which may hold a source URL.
    static func summary(_ error: any Error) -> String {
        guard let error = error as? YamlError else { return "\(type(of: error))" }
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return "\(problem) at line \(mark.line), column \(mark.column)"
        case .duplicatedKeysInMapping(let duplicates, _):
            return "duplicated keys \(duplicates.joined(separator: ", "))"
        default:
            return "YAML error"
        }
    }

    static func compose(_ yaml: String) throws(MediaMTXConfigError) -> Node {
        do {
            guard let node = try Yams.compose(yaml: yaml), node.mapping != nil else {
                throw MediaMTXConfigError(.invalidYAML, "the file is not a YAML mapping")
            }
            return node
        } catch let error as MediaMTXConfigError {
            throw error
        } catch {
            throw MediaMTXConfigError(.invalidYAML, "the file does not parse: \(Self.summary(error))")
        }
    }
}
