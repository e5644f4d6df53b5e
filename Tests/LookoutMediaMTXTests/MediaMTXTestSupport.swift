import Foundation
import Logging
import LookoutCore
import LookoutMediaMTX
import LookoutMediaMTXSimulator
import LookoutRedis
import LookoutTestSupport

/// A ``ManagedPathSource`` in memory: tests set the desired paths and read the promotions.
actor MemoryPathSource: ManagedPathSource {
    var paths: [ManagedPath]
    var failing = false
    private(set) var promotions: [String] = []

    init(_ paths: [ManagedPath] = []) {
        self.paths = paths
    }

    func set(_ paths: [ManagedPath]) { self.paths = paths }
    func setFailing(_ value: Bool) { failing = value }

    func desiredPaths() async throws -> [ManagedPath] {
        if failing { throw SourceUnavailable() }
        return paths
    }

    /// Moves pending → current, like the store, when the pending URL is still `source`.
    func promoted(name: String, source: String) async throws {
        guard let index = paths.firstIndex(where: { $0.name == name }), paths[index].pendingSource == source else { return }
        paths[index] = ManagedPath(name: name, source: source)
        promotions.append(name)
    }

    struct SourceUnavailable: Error {}
}

/// Test fixtures: loggers, URLs, folders, a running double.
enum Fixture {
    static let logger: Logger = {
        var logger = Logger(label: "lookout.test.mediamtx")
        logger.logLevel = .error
        return logger
    }()

    /// An RTMP URL with credentials, as the cloud gives them.
    static func url(_ tag: String) -> String {
        "rtmp://user-\(tag):secret-\(tag)@rtmp.example.com:1935/live/\(tag)#key-\(tag)"
    }

    /// A fresh folder holding a copy of the project's base mediamtx.yml (or `yaml`).
    static func configFolder(_ yaml: String? = nil) throws -> String {
        let folder = NSTemporaryDirectory() + TestEnvironment.uniqueName("mediamtx")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let text = try yaml ?? String(contentsOfFile: baseConfigPath, encoding: .utf8)
        try text.write(toFile: folder + "/mediamtx.yml", atomically: true, encoding: .utf8)
        return folder
    }

    /// The project's `mediamtx.yml` (tests run from the package root).
    static var baseConfigPath: String { FileManager.default.currentDirectoryPath + "/mediamtx.yml" }

    static func startDouble(_ options: MediaMTXDouble.Options = .init()) async throws -> MediaMTXDoubleServer {
        // Hummingbird logs an error for connections cut by a stop; a stop is what these tests do.
        var quiet = logger
        quiet.logLevel = .critical
        let server = MediaMTXDoubleServer(double: MediaMTXDouble(options: options, logger: quiet), logger: quiet)
        try await server.start()
        return server
    }

    static func apiClient(_ baseURL: String, user: String? = nil, pass: String? = nil) -> MediaMTXAPIClient {
        var configuration = MediaMTXAPIClient.Configuration(baseURL: baseURL, username: user, password: pass)
        configuration.requestTimeout = .seconds(2)
        configuration.confirmTimeout = .seconds(2)
        return MediaMTXAPIClient(configuration: configuration, logger: logger)
    }

    static func redis() throws -> RedisClient {
        RedisClient(configuration: try RedisConfiguration(url: TestEnvironment.redisURL), logger: logger)
    }

    /// Sync options tuned for tests: short lease and intervals.
    static func syncOptions(folder: String) -> MediaMTXSyncOptions {
        var options = MediaMTXSyncOptions(configPath: folder + "/mediamtx.yml")
        options.leaseTTL = .milliseconds(1500)
        options.leaseRenewInterval = .milliseconds(300)
        options.reconcileInterval = .seconds(2)
        options.readerCheckInterval = .milliseconds(200)
        options.retry = RedisReconnectBackoff(initial: .milliseconds(200), maximum: .seconds(1), jitter: 0)
        return options
    }
}

/// A sync running in a task, stopped by cancellation (which releases its lease).
struct RunningSync {
    let sync: MediaMTXSync
    let task: Task<Void, any Error>

    init(_ sync: MediaMTXSync) {
        self.sync = sync
        self.task = Task { try await sync.run() }
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}
