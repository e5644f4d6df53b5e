extension RedisClient {
    /// Appends an entry and returns its id.
    @discardableResult
    public func xadd(_ key: String, maxLength: Int? = nil, fields: [(String, String)]) async throws(RedisError) -> String {
        let reply = try await send(.xadd(key, maxLength: maxLength, fields: fields))
        guard let id = reply.string else { throw RedisError(.unexpectedReply, "XADD: \(reply)") }
        return id
    }

    /// Creates the consumer group (and the stream). Returns false when it already existed:
    /// every worker calls this at start, and `BUSYGROUP` is the normal answer for all but one.
    @discardableResult
    public func xgroupCreate(_ key: String, group: String, startID: String = "$") async throws(RedisError) -> Bool {
        do {
            try await send(.xgroupCreate(key, group: group, startID: startID))
            return true
        } catch where error.serverErrorPrefix == "BUSYGROUP" {
            return false
        }
    }

    /// Reads entries for this consumer; nil reply (block timed out) gives an empty array.
    public func xreadgroup(
        group: String, consumer: String, key: String, id: String = ">", count: Int? = nil, block: Duration? = nil
    ) async throws(RedisError) -> [RedisStreamEntry] {
        let reply = try await send(.xreadgroup(group: group, consumer: consumer, key: key, id: id, count: count, block: block))
        return try Self.streamEntries(ofReadReply: reply)
    }

    @discardableResult
    public func xack(_ key: String, group: String, ids: [String]) async throws(RedisError) -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await send(.xack(key, group: group, ids: ids)).int ?? 0
    }

    public func xautoclaim(
        _ key: String, group: String, consumer: String, minIdle: Duration, start: String = "0-0", count: Int = 100
    ) async throws(RedisError) -> RedisAutoClaim {
        let reply = try await send(.xautoclaim(key, group: group, consumer: consumer, minIdle: minIdle, start: start, count: count))
        guard let parts = reply.array, parts.count >= 2, let next = parts[0].string, let rawEntries = parts[1].array else {
            throw RedisError(.unexpectedReply, "XAUTOCLAIM: \(reply)")
        }
        // An entry deleted from the stream while pending comes back as nil before Redis 7.
        var entries: [RedisStreamEntry] = []
        for raw in rawEntries where !raw.isNull { entries.append(try RedisStreamEntry(raw)) }
        let deleted = parts.count > 2 ? (parts[2].array ?? []).compactMap(\.string) : []
        return RedisAutoClaim(nextStart: next, entries: entries, deletedIDs: deleted)
    }

    public func xpending(_ key: String, group: String) async throws(RedisError) -> RedisPendingSummary {
        let reply = try await send(.xpending(key, group: group))
        guard let parts = reply.array, parts.count == 4, let count = parts[0].int else {
            throw RedisError(.unexpectedReply, "XPENDING: \(reply)")
        }
        var consumers: [String: Int] = [:]
        for pair in parts[3].array ?? [] {
            if let pair = pair.array, pair.count == 2, let name = pair[0].string, let pending = pair[1].int {
                consumers[name] = pending
            }
        }
        return RedisPendingSummary(count: count, smallestID: parts[1].string, greatestID: parts[2].string, consumers: consumers)
    }

    public func xpendingEntries(
        _ key: String, group: String, start: String = "-", end: String = "+", count: Int, minIdle: Duration? = nil
    ) async throws(RedisError) -> [RedisPendingEntry] {
        let reply = try await send(.xpendingEntries(key, group: group, start: start, end: end, count: count, minIdle: minIdle))
        return try (reply.array ?? []).map { row throws(RedisError) in
            guard let fields = row.array, fields.count == 4, let id = fields[0].string, let consumer = fields[1].string,
                let idle = fields[2].int, let deliveries = fields[3].int
            else { throw RedisError(.unexpectedReply, "XPENDING entry: \(row)") }
            return RedisPendingEntry(id: id, consumer: consumer, idle: .milliseconds(idle), deliveries: deliveries)
        }
    }

    public func xlen(_ key: String) async throws(RedisError) -> Int {
        try await send(.xlen(key)).int ?? 0
    }

    public func xrange(_ key: String, start: String = "-", end: String = "+", count: Int? = nil) async throws(RedisError) -> [RedisStreamEntry] {
        let reply = try await send(.xrange(key, start: start, end: end, count: count))
        return try (reply.array ?? []).map { entry throws(RedisError) in try RedisStreamEntry(entry) }
    }

    /// `[[key, [entry, …]], …]` from XREAD/XREADGROUP, flattened; nil means nothing arrived.
    static func streamEntries(ofReadReply reply: RESPValue) throws(RedisError) -> [RedisStreamEntry] {
        guard !reply.isNull else { return [] }
        guard let streams = reply.array else { throw RedisError(.unexpectedReply, "XREADGROUP: \(reply)") }
        var entries: [RedisStreamEntry] = []
        for stream in streams {
            guard let pair = stream.array, pair.count == 2 else { throw RedisError(.unexpectedReply, "XREADGROUP stream: \(stream)") }
            for entry in pair[1].array ?? [] { entries.append(try RedisStreamEntry(entry)) }
        }
        return entries
    }
}
