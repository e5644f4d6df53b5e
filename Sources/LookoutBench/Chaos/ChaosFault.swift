/// One fault of the matrix. Each is injected, held for its duration, then healed (a killed role is
/// restarted as a supervisor would); the invariants are watched from the moment it heals.
enum ChaosFault: Sendable {
    /// The processes of the system, each killable on its own.
    enum Role: String, Sendable, CaseIterable {
        case gateway, presence = "presence worker", sweeper, renewal = "renewal worker", sync = "mediamtx sync"
    }

    case kill(Role)
    case redisRestartedEmpty
    case redisPaused(Duration)
    case redisDown(Duration)
    case postgresRestarted
    case postgresDown(Duration)
    case mediamtxDown(Duration)
    case cloudErrors(Duration)
    case cloudTokenRevoked(Duration)
    case rateLimitStorm(Duration)

    var name: String {
        switch self {
        case .kill(let role): "SIGKILL \(role.rawValue), restart"
        case .redisRestartedEmpty: "Redis restarted empty"
        case .redisPaused(let hold): "Redis paused \(Self.text(hold)) (SIGSTOP)"
        case .redisDown(let hold): "Redis down \(Self.text(hold)), back empty"
        case .postgresRestarted: "PostgreSQL restarted"
        case .postgresDown(let hold): "PostgreSQL down \(Self.text(hold))"
        case .mediamtxDown(let hold): "MediaMTX down \(Self.text(hold))"
        case .cloudErrors(let hold): "cloud HTTP 500s for \(Self.text(hold))"
        case .cloudTokenRevoked(let hold): "cloud token revoked, login refused \(Self.text(hold))"
        case .rateLimitStorm(let hold): "cloud 429 storm \(Self.text(hold))"
        }
    }

    /// A short key for `--faults`: gateway-kill, redis-empty, redis-pause, …
    var key: String {
        switch self {
        case .kill(let role): "\(role)-kill"
        case .redisRestartedEmpty: "redis-empty"
        case .redisPaused: "redis-pause"
        case .redisDown: "redis-down"
        case .postgresRestarted: "postgres-restart"
        case .postgresDown: "postgres-down"
        case .mediamtxDown: "mediamtx-down"
        case .cloudErrors: "cloud-500"
        case .cloudTokenRevoked: "cloud-token"
        case .rateLimitStorm: "cloud-429"
        }
    }

    /// `make chaos`: every fault at the durations issue 12 names.
    static let full: [ChaosFault] =
        Role.allCases.map { .kill($0) } + [
            .redisRestartedEmpty, .redisPaused(.seconds(20)), .redisDown(.seconds(60)), .postgresRestarted, .postgresDown(.seconds(180)),
            .mediamtxDown(.seconds(30)), .cloudErrors(.seconds(30)), .cloudTokenRevoked(.seconds(30)), .rateLimitStorm(.seconds(20)),
        ]

    /// Inside `make test`: the faults that break the most, shorter.
    /// Redis pauses 20 s as in the full matrix: longer than 1.5 heartbeat intervals, the case
    /// that matters.
    static let short: [ChaosFault] = [.kill(.gateway), .redisRestartedEmpty, .redisPaused(.seconds(20)), .postgresRestarted]

    private static func text(_ duration: Duration) -> String {
        let seconds = Int(duration.components.seconds)
        return seconds >= 60 && seconds % 60 == 0 ? "\(seconds / 60) min" : "\(seconds) s"
    }
}
