import Logging
import LookoutCore
import LookoutNotify
import LookoutRedis
import Metrics

extension PresenceWorker {
    /// Takes over entries another consumer has held for longer than `claimIdle`: a live
    /// consumer keeps its entries fresh (``refresh(_:)``), so these belong to one that stopped.
    /// The claim is not a verdict on the entries: they are applied like any others.
    func reclaim() async throws -> [RedisStreamEntry] {
        let pending = try await redis.xpendingEntries(stream, group: options.group, count: options.batchSize, minIdle: options.claimIdle)
        guard !pending.isEmpty else { return [] }
        let claimed = try await redis.xclaim(stream, group: options.group, consumer: consumer, minIdle: options.claimIdle, ids: pending.map(\.id))
        if !claimed.isEmpty {
            logger.info("Claimed presence entries of a stalled consumer", metadata: ["lookout.batch.size": "\(claimed.count)"])
        }
        return claimed
    }

    /// Resets the idle time of the held entries (`XCLAIM … 0 … JUSTID`, which counts no
    /// delivery) so that no other consumer claims them while this one retries; drops those no
    /// longer pending (acknowledged by another consumer).
    func refresh(_ held: inout Held) async throws {
        let reply = try await redis.send(RedisCommand("XCLAIM", [stream, options.group, consumer, "0"] + held.entries.map(\.id) + ["JUSTID"]))
        let pending = Set((reply.array ?? []).compactMap(\.string))
        held.entries.removeAll { !pending.contains($0.id) }
    }

    /// Moves an entry to the dead-letter stream with why, and acknowledges it, in one pipeline.
    /// The original fields stay as they were (``PresenceDeadLetters`` replays them).
    func deadLetter(_ entry: RedisStreamEntry, reason: String, attempts: Int) async throws {
        let fields = PresenceDeadLetters.fields(of: entry, error: reason, attempts: attempts)
        _ = try await redis.pipelineChecked([
            .xadd(deadLetters, maxLength: 100_000, fields: fields), .xack(stream, group: options.group, ids: [entry.id]),
        ])
        deadLettered.increment()
        logger.error(
            "Presence entry moved to dead letters",
            metadata: ["lookout.stream.entry": "\(entry.id)", "lookout.error": "\(reason)", "lookout.attempts": "\(attempts)"])
    }

    /// Trims the stream up to what the group has read and acknowledged, never further.
    func trim() async throws {
        let summary = try await redis.xpending(stream, group: options.group)
        guard let delivered = try await redis.lastDeliveredID(stream, group: options.group) else { return }
        let safe = summary.smallestID.map { min(StreamID($0), StreamID(delivered)) } ?? StreamID(delivered)
        try await redis.send(.xtrimMinID(stream, safe.text))
    }
}
