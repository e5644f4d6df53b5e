import Foundation

/// The Redis and PostgreSQL a chaos run may kill, pause and stop: they belong to the script that
/// started them (scripts/chaos.sh), which hands over a control command taking one verb
/// (scripts/chaos-servers.sh: `redis-kill`, `redis-start`, `redis-stop`, `redis-pause`,
/// `redis-resume`, `pg-stop`, `pg-start`).
struct ChaosServers: Sendable {
    /// The control command, split on spaces (`bash scripts/chaos-servers.sh`).
    let command: [String]

    func run(_ verb: String) async throws {
        guard let result = await runCommand(command + [verb], timeout: .seconds(60)), result.status == 0 else {
            throw BenchError("\(command.joined(separator: " ")) \(verb) failed")
        }
    }
}

/// Runs `arguments` (the first found on PATH) with stdin from /dev/null and stdout into a file,
/// and waits for it without blocking a thread; nil when it cannot start or outlives `timeout`
/// (then it is killed). Foundation's `Process.waitUntilExit()` is not used: on Linux it can miss
/// the exit of a child whose own child (a daemonizing redis-server) outlives it, and hang.
func runCommand(_ arguments: [String], timeout: Duration = .seconds(5)) async -> (status: Int32, output: String)? {
    let outputPath = NSTemporaryDirectory() + "lookout-chaos-command-\(getpid())-\(UInt32.random(in: .min ... .max))"
    defer { unlink(outputPath) }
    let output = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard output >= 0 else { return nil }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, output, 1)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    if let closeFrom = BenchProcess.closeFrom { _ = closeFrom(&actions, 3) }
    let argv = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ)
    close(output)
    guard spawned == 0 else { return nil }
    let deadline = ContinuousClock.now + timeout
    var raw: Int32 = 0
    while waitpid(pid, &raw, WNOHANG) == 0 {
        if ContinuousClock.now >= deadline {
            kill(pid, SIGKILL)
            _ = waitpid(pid, &raw, 0)
            return nil
        }
        try? await Task.sleep(for: .milliseconds(10))
    }
    // Exited normally: the exit code; killed by a signal: 128 + the signal, as a shell says.
    let status = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
    let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    return (status, text)
}

/// Standard output of `arguments` when it exits with 0 within `timeout`.
func commandOutput(_ arguments: [String], timeout: Duration = .seconds(5)) async -> String? {
    guard let result = await runCommand(arguments, timeout: timeout), result.status == 0 else { return nil }
    return result.output
}
