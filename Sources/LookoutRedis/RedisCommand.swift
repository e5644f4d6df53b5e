/// One Redis command as its argument list, binary safe. Typed builders live in the
/// `RedisCommand+*.swift` files, so a batch of typed commands can go out as one pipeline.
public struct RedisCommand: Sendable, Hashable, CustomStringConvertible {
    public var arguments: [[UInt8]]

    public init(_ name: String, _ arguments: [String] = []) {
        self.arguments = [Array(name.utf8)] + arguments.map { Array($0.utf8) }
    }

    public init(rawArguments: [[UInt8]]) {
        self.arguments = rawArguments
    }

    /// The command's name, upper-cased, for logs and errors; never its arguments (they may be secret).
    public var name: String {
        arguments.first.map { String(decoding: $0, as: UTF8.self).uppercased() } ?? ""
    }

    /// Whether the command may hold the connection for a while (its timeout is extended).
    var blockingDuration: Duration? {
        guard let blockIndex = arguments.firstIndex(of: Array("BLOCK".utf8)), ["XREAD", "XREADGROUP"].contains(name),
            blockIndex + 1 < arguments.count,
            let milliseconds = Int(String(decoding: arguments[blockIndex + 1], as: UTF8.self))
        else { return nil }
        return .milliseconds(milliseconds)
    }

    public var description: String { name }
}

extension RedisCommand {
    public static func ping() -> RedisCommand { .init("PING") }
    public static func get(_ key: String) -> RedisCommand { .init("GET", [key]) }
    public static func del(_ keys: [String]) -> RedisCommand { .init("DEL", keys) }
    public static func exists(_ key: String) -> RedisCommand { .init("EXISTS", [key]) }
    public static func incr(_ key: String) -> RedisCommand { .init("INCR", [key]) }
    public static func incrBy(_ key: String, _ amount: Int) -> RedisCommand { .init("INCRBY", [key, String(amount)]) }
    public static func publish(_ channel: String, _ message: String) -> RedisCommand { .init("PUBLISH", [channel, message]) }

    /// `SET key value [PX ttl] [NX|XX]`.
    public static func set(_ key: String, _ value: String, ttl: Duration? = nil, condition: SetCondition = .always) -> RedisCommand {
        var arguments = [key, value]
        if let ttl { arguments += ["PX", String(ttl.milliseconds)] }
        switch condition {
        case .always: break
        case .ifNotExists: arguments.append("NX")
        case .ifExists: arguments.append("XX")
        }
        return .init("SET", arguments)
    }

    public static func pexpire(_ key: String, _ ttl: Duration) -> RedisCommand { .init("PEXPIRE", [key, String(ttl.milliseconds)]) }
    public static func pttl(_ key: String) -> RedisCommand { .init("PTTL", [key]) }

    public enum SetCondition: Sendable { case always, ifNotExists, ifExists }
}

extension Duration {
    /// Whole milliseconds, rounded down; what Redis takes for PX, BLOCK and min-idle-time.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
