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
