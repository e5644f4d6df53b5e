import Logging
import LookoutCore
import LookoutNotify
import LookoutRedis
import LookoutStore
import Metrics

extension PresenceWorker {
    /// Applies what `held` holds; on success `held` is empty. Throws (and keeps the entries)
    /// when PostgreSQL or Redis fails, or when the database refused entries kept for another try.
    func process(_ held: inout Held) async throws {
        var events: [(entry: RedisStreamEntry, event: PresenceEvent)] = []
        var malformed: [(RedisStreamEntry, String)] = []
        for entry in held.entries {
            do {
                events.append((entry, try PresenceEvent(streamFields: entry.fields)))
            } catch {
                malformed.append((entry, error.description))
            }
        }
        for (entry, reason) in malformed {
            try await deadLetter(entry, reason: reason, attempts: 1)
            held.entries.removeAll { $0.id == entry.id }
        }
        guard !events.isEmpty else { return }
        let started = ContinuousClock.now
        let result: PresenceApplyResult
        switch await apply(events.map(\.event)) {
        case .success(let applied):
            result = applied
        case .failure(let error) where error.isRefusalOfRequest:
            try await isolate(&held, events, after: error)
            return
        case .failure(let error):
            throw error
        }
        let took = ContinuousClock.now - started
        batchDuration.recordNanoseconds(took.components.seconds * 1_000_000_000 + took.components.attoseconds / 1_000_000_000)
        try await finish(events, changed: result.changedNVRIDs, redelivered: held.redelivered)
        appliedEvents.increment(by: events.count)
        held = Held()
        logger.debug(
            "Applied presence batch",
            metadata: [
                "lookout.batch.size": "\(events.count)", "lookout.batch.applied": "\(result.applied)",
                "lookout.batch.changed": "\(result.changedNVRIDs.count)",
                "lookout.batch.ms": "\((ContinuousClock.now - started).components.attoseconds / 1_000_000_000_000_000)",
            ])
        if !result.unknownHostnames.isEmpty {
            logger.warning("Presence events for unknown NVRs skipped", metadata: ["lookout.nvr.hostnames": "\(result.unknownHostnames.prefix(10))"])
        }
    }

    /// The database refused the batch: applies its entries one by one, so the others go through
    /// and the refused ones are known. A refused entry counts a refusal when the refusal is its
    /// own (its data: SQLSTATE 22 or 23; or any refusal while other entries went through) and
    /// goes to dead letters at `maxDeliveries`; a refusal of everything (a schema problem, say)
    /// counts nothing and is retried, since no entry is at fault. A connection failure midway
    /// propagates: the entries stay held and the applied ones are harmless to apply again.
    func isolate(_ held: inout Held, _ events: [(entry: RedisStreamEntry, event: PresenceEvent)], after batchError: StoreError) async throws {
        var applied: [(entry: RedisStreamEntry, event: PresenceEvent)] = []
        var changed: Set<Int64> = []
        var refused: [(RedisStreamEntry, StoreError)] = []
        for (entry, event) in events {
            switch await apply([event]) {
            case .success(let result):
                changed.formUnion(result.changedNVRIDs)
                applied.append((entry, event))
            case .failure(let error) where error.isRefusalOfRequest:
                refused.append((entry, error))
            case .failure(let error):
                throw error
            }
        }
        if !applied.isEmpty {
            try await finish(applied, changed: changed, redelivered: held.redelivered)
        }
        var kept: [RedisStreamEntry] = []
        for (entry, error) in refused {
            guard error.isCausedByData || !applied.isEmpty else {
                kept.append(entry)
                continue
            }
            let refusals = held.refusals[entry.id, default: 0] + 1
            if refusals >= options.maxDeliveries {
                try await deadLetter(entry, reason: error.message, attempts: refusals)
                held.refusals[entry.id] = nil
            } else {
                held.refusals[entry.id] = refusals
                kept.append(entry)
            }
        }
        held.entries = kept
        held.isolated = true
        held.redelivered = true
        if !kept.isEmpty { throw PresenceRefusal(kept: kept.count, error: batchError) }
    }

    /// One transaction, its failure as a value (for a `switch` on what kind it is).
    func apply(_ events: [PresenceEvent]) async -> Result<PresenceApplyResult, StoreError> {
        do {
            return .success(try await store.apply(events, logger: logger))
        } catch {
            return .failure(error)
        }
    }

    /// Publishes the notifications of applied entries, then acknowledges them.
    func finish(_ applied: [(entry: RedisStreamEntry, event: PresenceEvent)], changed: some Sequence<Int64>, redelivered: Bool) async throws {
        var changed = Set(changed)
        if redelivered {
            // An earlier try may have committed and failed before notifying: notify again.
            // Notifications carry full state, so a repeat is harmless.
            changed.formUnion(try await nvrs.ids(hostnames: Array(Set(applied.map(\.event.hostname)))))
        }
        if !changed.isEmpty {
            try await notifier.publish(try await nvrs.states(ids: changed.sorted()).map { Notification.nvr($0) })
        }
        try await redis.xack(stream, group: options.group, ids: applied.map(\.entry.id))
    }
}
