import Foundation

/// The double's configuration and runtime, as MediaMTX's core holds them.
///
/// Two copies of the path configuration, as in MediaMTX: `accepted` (what requests are validated
/// against and change at once) and `applied` (what the GETs show and the runtime runs). Each
/// accepted change is applied `applyDelay` after its 200, as `core.go:run` answers before it
/// calls `reloadConf`. Applying a change that touches anything but `forward` / `record*`
/// recreates the path: its readers are dropped and it is unavailable for `recreateDelay`.
actor MediaMTXDoubleState {
    /// One runtime path.
    struct Runtime {
        var readers: [JSONValue] = []
        var availableAt: ContinuousClock.Instant = .now
        var recreations = 0
    }

    let applyDelay: Duration
    let recreateDelay: Duration
    private(set) var accepted: [String: [String: JSONValue]]
    private(set) var applied: [String: [String: JSONValue]]
    private var acceptedVersion = 0
    private var appliedVersion = 0
    private(set) var runtime: [String: Runtime] = [:]
    /// Every API request as `METHOD /path`, in order (not the `/sim` ones).
    private(set) var requests: [String] = []

    // Test controls.
    var downMode: MediaMTXDouble.DownMode?
    var credentials: (user: String, pass: String)?
    var legacyBodies = false

    init(paths: [String: [String: JSONValue]], applyDelay: Duration, recreateDelay: Duration) {
        self.accepted = paths
        self.applied = paths
        self.applyDelay = applyDelay
        self.recreateDelay = recreateDelay
        for name in paths.keys { runtime[name] = Runtime() }
    }

    func record(_ request: String) { requests.append(request) }

    /// Whether a path of this name is configured: by its name, or by a `~regexp` path
    /// (`conf.FindPathConf`).
    func isConfigured(_ name: String) -> Bool {
        if applied[name] != nil { return true }
        for key in applied.keys where key.hasPrefix("~") {
            if name.range(of: String(key.dropFirst()), options: .regularExpression) != nil { return true }
        }
        return false
    }

    func setDown(_ mode: MediaMTXDouble.DownMode?) { downMode = mode }
    func setCredentials(_ value: (user: String, pass: String)?) { credentials = value }
    func setLegacyBodies(_ value: Bool) { legacyBodies = value }

    /// The effective configuration of `name` as the GETs show it: defaults + overrides + name.
    func effective(_ name: String) -> [String: JSONValue]? {
        guard let overrides = applied[name] else { return nil }
        return Self.merge(name: name, overrides)
    }

    static func merge(name: String, _ overrides: [String: JSONValue]) -> [String: JSONValue] {
        var conf = DoublePathConf.defaults.merging(overrides) { _, new in new }
        conf["name"] = .string(name)
        for key in ["readPass", "publishPass"] where conf[key] != .string("") { conf[key] = .string("<redacted>") }
        return conf
    }

    /// Accepts a new `accepted` configuration and schedules its application.
    func accept(_ paths: [String: [String: JSONValue]]) {
        accepted = paths
        acceptedVersion += 1
        let version = acceptedVersion
        let delay = applyDelay
        Task {
            try? await Task.sleep(for: delay)
            self.apply(paths, version: version)
        }
    }

    private func apply(_ paths: [String: [String: JSONValue]], version: Int) {
        guard version > appliedVersion else { return }
        appliedVersion = version
        let old = applied
        applied = paths
        for name in old.keys where paths[name] == nil { runtime[name] = nil }
        for (name, conf) in paths {
            guard let previous = old[name] else {
                runtime[name] = Runtime()
                continue
            }
            if Self.needsRecreate(previous, conf) {
                var path = runtime[name] ?? Runtime()
                path.readers = []
                path.availableAt = .now + recreateDelay
                path.recreations += 1
                runtime[name] = path
            }
        }
    }

    /// `pathConfCanBeUpdated`: only `forward` and `record*` changes keep the path (and its readers).
    static func needsRecreate(_ old: [String: JSONValue], _ new: [String: JSONValue]) -> Bool {
        let keys = Set(old.keys).union(new.keys).filter { $0 != "forward" && !$0.hasPrefix("record") }
        return keys.contains { merge(name: "", old)[$0] != merge(name: "", new)[$0] }
    }

    func setReaders(_ name: String, count: Int) -> Bool {
        guard applied[name] != nil else { return false }
        var path = runtime[name] ?? Runtime()
        path.readers = (0..<count).map { _ in .object(["type": .string("hlsMuxer"), "id": .string(UUID().uuidString.lowercased())]) }
        runtime[name] = path
        return true
    }

    /// Replaces everything with `paths`, applied at once: a restarted MediaMTX that read its file.
    func restart(paths: [String: [String: JSONValue]]) {
        accepted = paths
        applied = paths
        acceptedVersion += 1
        appliedVersion = acceptedVersion
        runtime = paths.mapValues { _ in Runtime() }
    }
}
