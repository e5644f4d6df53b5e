/// Tells whether Redis lost its data since the last look: a key set once, with a random value
/// and no TTL, and read back at every check. A process that finds it gone or changed knows that
/// Redis restarted empty or was flushed in between (and with it liveness, versions, streams),
/// even when none of its own commands failed: a restart between two commands only reconnects.
///
/// Every process checks the same key, each check offering a new random value: the first check
/// to find it missing sets one that no process knew (not even the one that set the lost value),
/// and every process then reads a value it did not know. A freeze or a network cut leaves it in
/// place, so an outage is not mistaken for a loss.
public struct RedisDataMarker: Sendable {
    public enum Observation: Sendable, Equatable {
        /// The first check of this process.
        case first
        /// The same value as at the last check: no data lost in between.
        case unchanged
        /// Gone or replaced since the last check: Redis lost its data.
        case lost
    }

    public let key: String
    /// The value at the last check.
    public private(set) var known: String?

    public init(key: String) {
        self.key = key
    }

    /// A check, for a pipeline: `SET key <new random value> NX` (the first check after a loss
    /// sets it), then `GET key`. Give the `GET` reply to ``observe(_:)``.
    public var commands: [RedisCommand] {
        let value = (0..<4).map { _ in String(UInt32.random(in: .min ... .max), radix: 16) }.joined(separator: "-")
        return [.set(key, value, condition: .ifNotExists), .get(key)]
    }

    /// Reads the `GET` reply of ``commands``.
    public mutating func observe(_ reply: RESPValue) -> Observation {
        let value = reply.string
        defer { known = value }
        guard let known else { return .first }
        return value == known ? .unchanged : .lost
    }
}
