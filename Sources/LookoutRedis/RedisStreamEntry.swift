/// One entry of a Redis stream: its id and its field/value pairs in order.
public struct RedisStreamEntry: Sendable, Hashable {
    public var id: String
    public var fields: [String: String]

    public init(id: String, fields: [String: String]) {
        self.id = id
        self.fields = fields
    }

    /// Parses `[id, [field, value, …]]`. A deleted-but-pending entry (XREADGROUP with id 0)
    /// comes back with a nil field list; it parses with no fields.
    init(_ reply: RESPValue) throws(RedisError) {
        guard let pair = reply.array, pair.count == 2, let id = pair[0].string else {
            throw RedisError(.unexpectedReply, "stream entry: \(reply)")
        }
        var fields: [String: String] = [:]
        let flat = pair[1].array ?? []
        var index = 0
        while index + 1 < flat.count {
            if let field = flat[index].string, let value = flat[index + 1].string { fields[field] = value }
            index += 2
        }
        self.init(id: id, fields: fields)
    }
}

/// One pending entry as `XPENDING key group - + count` reports it.
public struct RedisPendingEntry: Sendable, Hashable {
    public var id: String
    public var consumer: String
    public var idle: Duration
    public var deliveries: Int
}

/// The summary form of `XPENDING key group`.
public struct RedisPendingSummary: Sendable, Hashable {
    public var count: Int
    public var smallestID: String?
    public var greatestID: String?
    public var consumers: [String: Int]
}

/// What `XAUTOCLAIM` returns: the cursor to continue from, the entries now owned by the
/// caller, and ids that were pending but deleted from the stream (Redis 7+).
public struct RedisAutoClaim: Sendable, Hashable {
    public var nextStart: String
    public var entries: [RedisStreamEntry]
    public var deletedIDs: [String]
}
