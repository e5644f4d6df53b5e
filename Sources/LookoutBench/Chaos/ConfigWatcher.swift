import Foundation
import LookoutMediaMTX

/// Reads `mediamtx.yml` every 50 ms and checks each new version the sync wrote as MediaMTX would
/// load it (a YAML mapping with known keys, valid path names, every managed source a URL MediaMTX
/// accepts). The sync writes at most once a second, by rename, so a poll sees every version.
/// Also tells how many managed paths carry an expired URL (`expire=` in the query, Unix seconds).
final class ConfigWatcher: Sendable {
    struct State: Sendable {
        var versions = 0
        var invalid = 0
        var lastProblem: String?
        var managed: [String: String] = [:]
    }

    let path: String
    private let state = Locked(State())
    private let task: Task<Void, Never>

    init(path: String) {
        self.path = path
        let state = self.state
        task = Task {
            var last: Data?
            while !Task.isCancelled {
                if let data = FileManager.default.contents(atPath: path), data != last {
                    last = data
                    let (sources, problem) = Self.check(String(decoding: data, as: UTF8.self), sidecar: path + ".managed")
                    state.withLock { state in
                        state.versions += 1
                        if let problem {
                            state.invalid += 1
                            state.lastProblem = problem
                        } else {
                            state.managed = sources
                        }
                    }
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    var current: State { state.withLock { $0 } }

    /// Managed paths whose URL has expired at `now` (Unix seconds).
    func expired(now: Int64 = Int64(Date().timeIntervalSince1970)) -> [String] {
        current.managed.compactMap { name, source in
            guard let expire = Self.expiry(of: source), expire <= now else { return nil }
            return name
        }
    }

    func stop() { task.cancel() }

    static func expiry(of source: String) -> Int64? {
        URLComponents(string: source)?.queryItems?.first { $0.name == "expire" }?.value.flatMap { Int64($0) }
    }

    /// The managed sources of one version, or what MediaMTX would refuse in it.
    static func check(_ yaml: String, sidecar: String) -> (sources: [String: String], problem: String?) {
        do {
            let config = try MediaMTXConfig(yaml: yaml)
            let names = ((try? String(contentsOfFile: sidecar, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            let all = config.pathSources
            // Without a sidecar (yet), every path with a renewable URL counts as managed.
            let managed = names.isEmpty ? all.filter { expiry(of: $0.value) != nil } : all.filter { names.contains($0.key) }
            try config.validate(managed: managed)
            for (name, source) in managed { try MediaMTXValidation.checkSource(source, path: name) }
            return (managed, nil)
        } catch {
            return ([:], "\(error)")
        }
    }
}
