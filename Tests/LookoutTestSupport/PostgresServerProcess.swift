import Foundation

/// A private PostgreSQL cluster on its own port, for tests that stop and restart PostgreSQL
/// under running workers without disturbing the shared test server (as `scripts/servers.sh`
/// does: `initdb` and `pg_ctl`, trust auth on loopback, run as the `postgres` user when the
/// tests run as root, since PostgreSQL refuses to run as root).
public final class PostgresServerProcess: @unchecked Sendable {
    public let port: Int
    private let directory: String

    public init() throws {
        port = try TestEnvironment.freePort()
        directory = "/tmp/lookout-pg-\(port)-\(UInt32.random(in: .min ... .max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    }

    /// The superuser URL (database `postgres`); tests create their databases on it.
    public var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres" }
    var dataDirectory: String { directory + "/data" }

    /// Creates the cluster on first use, then starts the server and waits until it answers.
    public func start() async throws {
        if !FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION") {
            try await asPostgres("initdb", ["-D", dataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
        }
        let options = "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=100"
        // pg_ctl leaves the server running as a daemon; waiting for it through Foundation's
        // Process hung (the exited runuser, or shell, was never reaped), so a shell starts it
        // in the background and the test polls until the server answers.
        let command = [try Self.binary("pg_ctl"), "-D", dataDirectory, "-l", directory + "/postgres.log", "-o", "'\(options)'", "start"]
            .joined(separator: " ")
        let prefix = getuid() == 0 ? "/usr/sbin/runuser -u postgres -- " : ""
        if getuid() == 0 { _ = try await ChildProcess.run("/bin/chown", ["-R", "postgres:", directory]) }
        // Not awaited either: a shell that leaves a daemon behind was never reaped here.
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "\(prefix)\(command) </dev/null >/dev/null 2>&1 &"]
        shell.standardInput = FileHandle.nullDevice
        shell.standardOutput = FileHandle.nullDevice
        shell.standardError = FileHandle.nullDevice
        try shell.run()
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if (try? await psql("SELECT 1")) == "1" { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw SystemError(message: "PostgreSQL did not start on port \(port):\n\(log.suffix(2000))")
    }

    /// Stops the server (SIGINT: fast shutdown, sessions are ended) and waits until it is gone.
    public func stop() async throws {
        guard let pid = postmasterPID else { return }
        kill(pid, SIGINT)
        let deadline = ContinuousClock.now + .seconds(30)
        // The server removes postmaster.pid as it exits (it may linger as a zombie of init).
        while kill(pid, 0) == 0 && FileManager.default.fileExists(atPath: dataDirectory + "/postmaster.pid") {
            guard ContinuousClock.now < deadline else { throw SystemError(message: "PostgreSQL \(pid) did not stop") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    var postmasterPID: Int32? {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first.flatMap { Int32($0) }
    }

    /// Stops the server if it runs and removes its files; for a test's teardown.
    public func shutdown() async {
        try? await stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs SQL as the superuser; returns the unaligned, tuples-only output.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") async throws -> String {
        let result = try await ChildProcess.run("/usr/bin/psql", ["postgres://postgres@127.0.0.1:\(port)/\(database)", "-v", "ON_ERROR_STOP=1", "-tAc", sql])
        guard result.status == 0 else { throw SystemError(message: "psql: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public var log: String { (try? String(contentsOfFile: directory + "/postgres.log", encoding: .utf8)) ?? "" }

    private func asPostgres(_ program: String, _ arguments: [String]) async throws {
        let binary = try Self.binary(program)
        let result: ChildProcessResult
        if getuid() == 0 {
            _ = try await ChildProcess.run("/bin/chown", ["-R", "postgres:", directory])
            result = try await ChildProcess.run("/usr/sbin/runuser", ["-u", "postgres", "--", binary] + arguments)
        } else {
            result = try await ChildProcess.run(binary, arguments)
        }
        guard result.status == 0 else { throw SystemError(message: "\(program) failed: \(result.stderr)\(result.stdout)\n\(log.suffix(2000))") }
    }

    static func binary(_ name: String) throws -> String {
        let root = "/usr/lib/postgresql"
        for version in ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted(by: >) {
            let path = "\(root)/\(version)/bin/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return try RedisServerProcess.which(name)
    }

    deinit {
        // A test that ended early must not leave a server behind: stop it synchronously.
        if let pid = postmasterPID {
            kill(pid, SIGINT)
            for _ in 0..<100 where kill(pid, 0) == 0 && FileManager.default.fileExists(atPath: dataDirectory + "/postmaster.pid") {
                usleep(100_000)
            }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
