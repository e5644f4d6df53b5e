/// Tuning of the presence worker (`workers/presence.yml`).
public struct PresenceWorkerOptions: Sendable, Equatable {
    /// Stream key suffix under the prefix.
    public var stream = "presence"
    public var group = "presence-workers"
    /// Consumers in this process. Two overlap one batch's PostgreSQL work with the next one's
    /// Redis and Swift work: 1.8× the changes per second of one (docs/benchmarks.md).
    public var concurrency = 2
    /// Entries per read and per PostgreSQL transaction.
    public var batchSize = 500
    /// `XREADGROUP … BLOCK`: how long a read waits; shutdown is noticed within it.
    public var block: Duration = .seconds(2)
    /// Entries pending longer than this (their consumer stopped) are claimed by another. A live
    /// consumer retrying its entries keeps them fresh, so they are never claimed from it.
    public var claimIdle: Duration = .seconds(30)
    /// Refusals of an entry by PostgreSQL for a reason of its own (its data, SQLSTATE 22/23, or a
    /// refusal while the rest of its batch went through) after which it goes to the dead-letter
    /// stream. Failures to reach PostgreSQL or Redis never count; deliveries are not counted.
    public var maxDeliveries = 5
    /// Safety cap on the stream (the worker trims to what the group has read far earlier).
    public var maxLength = 1_000_000

    public init() {}
}

/// Tuning of the sweeper (`workers/sweeper.yml`).
public struct SweeperOptions: Sendable, Equatable {
    public var interval: Duration = .seconds(1)
    /// Heartbeat intervals of silence after which an NVR is offline.
    public var expireAfter = 1.5
    /// Heartbeat intervals to wait when the liveness set is empty (Redis restarted) before
    /// believing it: gateways re-announce their sessions within one.
    public var startupGrace = 1.0

    public init() {}
}
