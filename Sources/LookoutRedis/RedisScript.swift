import Crypto

/// A Lua script, sent by its SHA-1 (`EVALSHA`) and loaded on `NOSCRIPT` (`EVAL`), which
/// happens after a Redis restart or `SCRIPT FLUSH`. Declare scripts as `static let`s.
public struct RedisScript: Sendable, Hashable {
    public let source: String
    public let sha1: String

    public init(_ source: String) {
        self.source = source
        self.sha1 = Insecure.SHA1.hash(data: Array(source.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

extension RedisCommand {
    public static func evalsha(_ script: RedisScript, keys: [String], arguments: [String]) -> RedisCommand {
        .init("EVALSHA", [script.sha1, String(keys.count)] + keys + arguments)
    }

    public static func eval(_ script: RedisScript, keys: [String], arguments: [String]) -> RedisCommand {
        .init("EVAL", [script.source, String(keys.count)] + keys + arguments)
    }
}

extension RedisClient {
    /// Runs the script by SHA-1, falling back to sending its source once when Redis lacks it.
    @discardableResult
    public func eval(_ script: RedisScript, keys: [String] = [], arguments: [String] = []) async throws(RedisError) -> RESPValue {
        do {
            return try await send(.evalsha(script, keys: keys, arguments: arguments))
        } catch where error.serverErrorPrefix == "NOSCRIPT" {
            return try await send(.eval(script, keys: keys, arguments: arguments))
        }
    }
}
