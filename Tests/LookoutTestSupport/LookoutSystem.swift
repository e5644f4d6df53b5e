import Foundation

/// A whole Lookout for one test: its own database (migrated), its own Redis key prefix on the
/// shared test Redis, and gateways and workers as separate processes. Heartbeats are 2 s so
/// that "offline within 1.5 intervals" is a 3-second wait, not 15.
public final class LookoutSystem: @unchecked Sendable {
    public let database: ScratchDatabase
    public let prefix: String
    public let heartbeatSeconds: Int
    public private(set) var processes: [LookoutProcess] = []
    let redisURL: String
    let extraEnvironment: [String: String]

    /// `databaseAdminURL`: a PostgreSQL of the test's own (``PostgresServerProcess``) instead of the shared one.
    public static func start(
        heartbeatSeconds: Int = 2, environment: [String: String] = [:], databaseAdminURL: String? = nil, _ name: String = #function
    ) async throws -> LookoutSystem {
        let database = try await ScratchDatabase.create(name, adminURL: databaseAdminURL)
        let system = LookoutSystem(
            database: database, prefix: TestEnvironment.uniqueName(name) + ":", heartbeatSeconds: heartbeatSeconds, redisURL: try TestEnvironment.redisURL,
            extraEnvironment: environment)
        let migrate = try await system.cli(["migrate"])
        guard migrate.status == 0 else { throw SystemError(message: "migrate failed: \(migrate.stderr)") }
        return system
    }

    init(database: ScratchDatabase, prefix: String, heartbeatSeconds: Int, redisURL: String, extraEnvironment: [String: String]) {
        self.database = database
        self.prefix = prefix
        self.heartbeatSeconds = heartbeatSeconds
        self.redisURL = redisURL
        self.extraEnvironment = extraEnvironment
    }

    /// The playback signing secret every test system's gateways share (key id `t1`).
    public static let playbackSecret = "test-playback-secret-0123456789abcdef"

    public var environment: [String: String] {
        var environment = [
            "LOOKOUT_REDIS_URL": redisURL, "LOOKOUT_DATABASE_URL": database.url, "LOOKOUT_KEY_PREFIX": prefix,
            "LOOKOUT_HEARTBEAT_INTERVAL": String(heartbeatSeconds), "LOOKOUT_FLAP_GRACE": "2", "LOG_LEVEL": "info",
            "LOOKOUT_PLAYBACK_KEYS": "t1:" + Self.playbackSecret,
            "LOOKOUT_STREAM_URL_KEY": TestStreamURLKey.setting,
            // Several workers run at once: each takes any free port for its status server.
            "LOOKOUT_WORKER_HTTP_PORT": "0",
        ]
        environment.merge(extraEnvironment) { $1 }
        return environment
    }

    public func cli(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> ChildProcessResult {
        try await ChildProcess.lookout(arguments, environment: environment.merging(extra) { $1 })
    }

    /// Starts a gateway on `port` (nil: a free one) and waits until it accepts connections.
    /// Returns its port.
    @discardableResult
    public func startGateway(name: String = "gateway", port: Int? = nil) async throws -> (process: LookoutProcess, port: Int) {
        let port = try port ?? TestEnvironment.freePort()
        var environment = environment
        environment["LOOKOUT_HTTP_PORT"] = String(port)
        let process = try LookoutProcess(name: name, arguments: ["gateway"], environment: environment)
        processes.append(process)
        guard await eventually(timeout: .seconds(20), { RedisServerProcess.accepts(port: port) }) else {
            throw SystemError(message: "gateway did not start:\n\(process.log)")
        }
        return (process, port)
    }

    /// Starts any other `lookout` command as a process of this system (`simulate nvrs`, …),
    /// stopped with the rest.
    public func startProcess(name: String, arguments: [String]) throws -> LookoutProcess {
        let process = try LookoutProcess(name: name, arguments: arguments, environment: environment)
        processes.append(process)
        return process
    }

    /// Starts a worker process with the given worker files (written to a temp folder).
    @discardableResult
    public func startWorker(
        name: String = "worker", files: [String: String] = LookoutSystem.defaultWorkerFiles, environment extra: [String: String] = [:]
    ) async throws -> LookoutProcess {
        var arguments = ["worker"]
        for (fileName, text) in files.sorted(by: { $0.key < $1.key }) {
            let path = NSTemporaryDirectory() + "\(prefix.dropLast())-\(name)-\(fileName)"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            arguments += ["--worker", path]
        }
        let process = try LookoutProcess(name: name, arguments: arguments, environment: environment.merging(extra) { $1 })
        processes.append(process)
        return process
    }

    public static let defaultWorkerFiles = [
        "presence.yml": "kind: presence\nblock: 500ms\nclaimIdle: 2s\nbatchSize: 200\n",
        "sweeper.yml": "kind: sweeper\ninterval: 250ms\n",
    ]

    /// `lookout nvr add`; returns the NVR's token.
    public func addNVR(_ hostname: String, cameras: Int = 2) async throws -> String {
        let result = try await cli(["nvr", "add", "--hostname", hostname, "--cameras", String(cameras)])
        guard result.status == 0, let line = result.stdout.split(separator: "\n").first(where: { $0.hasPrefix("token: ") }) else {
            throw SystemError(message: "nvr add failed: \(result.stderr)")
        }
        return String(line.dropFirst("token: ".count))
    }

    public func addAPIKey(role: String = "viewer") async throws -> String {
        let result = try await cli(["apikey", "create", "--role", role])
        guard result.status == 0 else { throw SystemError(message: "apikey create failed: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `status|version` of an NVR in PostgreSQL.
    public func nvrRow(_ hostname: String) async throws -> String {
        try await database.query("SELECT status || '|' || connection_version FROM nvrs WHERE hostname = '\(hostname)'")
    }

    /// Camera statuses of an NVR, `status:reason` each, by camera id.
    public func cameraRows(_ hostname: String) async throws -> [String] {
        let text = try await database.query(
            "SELECT c.status || ':' || coalesce(c.status_reason, '') FROM cameras c JOIN nvrs n ON n.id = c.nvr_id WHERE n.hostname = '\(hostname)' ORDER BY c.id")
        return text.split(separator: "\n").map(String.init)
    }

    /// All process logs, for a failing test's message.
    public var logs: String {
        processes.map { "----- \($0.name) -----\n\($0.log.suffix(6000))" }.joined(separator: "\n")
    }

    public func shutdown() async {
        for process in processes { await process.stop() }
        try? await database.drop()
    }
}

public struct SystemError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
