extension RedisCommand {
    /// `XADD key [MAXLEN ~ n] * field value …`. Approximate trimming lets Redis drop whole
    /// radix-tree nodes, which is what keeps XADD cheap.
    public static func xadd(_ key: String, maxLength: Int? = nil, id: String = "*", fields: [(String, String)]) -> RedisCommand {
        var arguments = [key]
        if let maxLength { arguments += ["MAXLEN", "~", String(maxLength)] }
        arguments.append(id)
        for (field, value) in fields { arguments += [field, value] }
        return .init("XADD", arguments)
    }

    /// `XGROUP CREATE key group id MKSTREAM`; `id` "$" reads only new entries, "0" everything.
    public static func xgroupCreate(_ key: String, group: String, startID: String = "$") -> RedisCommand {
        .init("XGROUP", ["CREATE", key, group, startID, "MKSTREAM"])
    }

    /// `XREADGROUP GROUP g c [COUNT n] [BLOCK ms] STREAMS key id`; id ">" for new entries,
    /// "0" for this consumer's own pending ones.
    public static func xreadgroup(
        group: String, consumer: String, key: String, id: String = ">", count: Int? = nil, block: Duration? = nil
    ) -> RedisCommand {
        var arguments = ["GROUP", group, consumer]
        if let count { arguments += ["COUNT", String(count)] }
        if let block { arguments += ["BLOCK", String(block.milliseconds)] }
        arguments += ["STREAMS", key, id]
        return .init("XREADGROUP", arguments)
    }

    public static func xack(_ key: String, group: String, ids: [String]) -> RedisCommand {
        .init("XACK", [key, group] + ids)
    }

    public static func xautoclaim(
        _ key: String, group: String, consumer: String, minIdle: Duration, start: String = "0-0", count: Int = 100
    ) -> RedisCommand {
        .init("XAUTOCLAIM", [key, group, consumer, String(minIdle.milliseconds), start, "COUNT", String(count)])
    }

    public static func xpending(_ key: String, group: String) -> RedisCommand {
        .init("XPENDING", [key, group])
    }

    public static func xpendingEntries(
        _ key: String, group: String, start: String = "-", end: String = "+", count: Int, minIdle: Duration? = nil
    ) -> RedisCommand {
        var arguments = [key, group]
        if let minIdle { arguments += ["IDLE", String(minIdle.milliseconds)] }
        return .init("XPENDING", arguments + [start, end, String(count)])
    }

    public static func xlen(_ key: String) -> RedisCommand { .init("XLEN", [key]) }

    public static func xrange(_ key: String, start: String = "-", end: String = "+", count: Int? = nil) -> RedisCommand {
        .init("XRANGE", [key, start, end] + (count.map { ["COUNT", String($0)] } ?? []))
    }
}

extension RedisCommand {
    /// `XCLAIM key group consumer min-idle id …`: take over entries another consumer holds.
    public static func xclaim(_ key: String, group: String, consumer: String, minIdle: Duration, ids: [String]) -> RedisCommand {
        .init("XCLAIM", [key, group, consumer, String(minIdle.milliseconds)] + ids)
    }

    /// `XTRIM key MINID ~ id`: drop entries older than `id` (whole nodes only).
    public static func xtrimMinID(_ key: String, _ id: String) -> RedisCommand {
        .init("XTRIM", [key, "MINID", "~", id])
    }
}

extension RedisClient {
    public func xclaim(_ key: String, group: String, consumer: String, minIdle: Duration, ids: [String]) async throws(RedisError) -> [RedisStreamEntry] {
        guard !ids.isEmpty else { return [] }
        let reply = try await send(.xclaim(key, group: group, consumer: consumer, minIdle: minIdle, ids: ids))
        var entries: [RedisStreamEntry] = []
        for raw in reply.array ?? [] where !raw.isNull { entries.append(try RedisStreamEntry(raw)) }
        return entries
    }

    /// The group's last-delivered id (`XINFO GROUPS`), nil when the group does not exist.
    public func lastDeliveredID(_ key: String, group: String) async throws(RedisError) -> String? {
        try await streamGroups(key).first { $0.name == group }?.lastDeliveredID
    }

    /// Every consumer group of the stream at `key` (`XINFO GROUPS`); none when the key is missing.
    public func streamGroups(_ key: String) async throws(RedisError) -> [RedisStreamGroupInfo] {
        let reply: RESPValue
        do {
            reply = try await send(RedisCommand("XINFO", ["GROUPS", key]))
        } catch where error.code == .server && error.message.hasPrefix("ERR no such key") {
            return []
        }
        return (reply.array ?? []).map { info in
            let flat = info.array ?? []
            var fields: [String: RESPValue] = [:]
            var index = 0
            while index + 1 < flat.count {
                if let name = flat[index].string { fields[name] = flat[index + 1] }
                index += 2
            }
            return RedisStreamGroupInfo(
                name: fields["name"]?.string ?? "", pending: fields["pending"]?.int ?? 0, lag: fields["lag"]?.int,
                lastDeliveredID: fields["last-delivered-id"]?.string)
        }
    }
}

/// One consumer group as `XINFO GROUPS` reports it.
public struct RedisStreamGroupInfo: Sendable, Equatable {
    public let name: String
    /// Entries delivered to the group's consumers and not acknowledged yet.
    public let pending: Int
    /// Entries not yet delivered to the group; nil when Redis cannot tell (after deletions, or before 7.0).
    public let lag: Int?
    public let lastDeliveredID: String?
}
