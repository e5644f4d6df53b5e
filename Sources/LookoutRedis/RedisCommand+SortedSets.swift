extension RedisCommand {
    /// When `ZADD` may write a member.
    public enum ZAddCondition: String, Sendable {
        case always = ""
        /// Only new members (NX).
        case ifNotExists = "NX"
        /// Only existing members (XX).
        case ifExists = "XX"
        /// Only when the new score is greater: last-seen times never move back (GT).
        case ifGreater = "GT"
        /// Only when the new score is lower: a due time only moves earlier (LT).
        case ifLower = "LT"
    }

    public static func zadd(_ key: String, _ members: [(score: Double, member: String)], condition: ZAddCondition = .always) -> RedisCommand {
        var arguments = [key]
        if condition != .always { arguments.append(condition.rawValue) }
        for (score, member) in members { arguments += [Self.format(score), member] }
        return .init("ZADD", arguments)
    }

    public static func zrem(_ key: String, _ members: [String]) -> RedisCommand { .init("ZREM", [key] + members) }
    public static func zscore(_ key: String, _ member: String) -> RedisCommand { .init("ZSCORE", [key, member]) }
    public static func zcard(_ key: String) -> RedisCommand { .init("ZCARD", [key]) }
    public static func zpopmin(_ key: String, count: Int = 1) -> RedisCommand { .init("ZPOPMIN", [key, String(count)]) }

    /// `ZRANGEBYSCORE key min max WITHSCORES [LIMIT 0 n]`; bounds like "-inf", "(5" work as strings.
    public static func zrangeByScore(_ key: String, min: String, max: String, limit: Int? = nil) -> RedisCommand {
        .init("ZRANGEBYSCORE", [key, min, max, "WITHSCORES"] + (limit.map { ["LIMIT", "0", String($0)] } ?? []))
    }

    /// Scores as Redis prints them: integers without a fraction, others with full precision.
    static func format(_ score: Double) -> String {
        if score == score.rounded(), abs(score) < 1e15 { return String(Int64(score)) }
        return String(score)
    }
}

extension RedisClient {
    /// Returns how many members were added (or changed, for conditions that update).
    @discardableResult
    public func zadd(
        _ key: String, _ members: [(score: Double, member: String)], condition: RedisCommand.ZAddCondition = .always
    ) async throws(RedisError) -> Int {
        try await send(.zadd(key, members, condition: condition)).int ?? 0
    }

    @discardableResult
    public func zrem(_ key: String, _ members: [String]) async throws(RedisError) -> Int {
        try await send(.zrem(key, members)).int ?? 0
    }

    public func zscore(_ key: String, _ member: String) async throws(RedisError) -> Double? {
        try await send(.zscore(key, member)).double
    }

    public func zcard(_ key: String) async throws(RedisError) -> Int {
        try await send(.zcard(key)).int ?? 0
    }

    public func zrangeByScore(_ key: String, min: String, max: String, limit: Int? = nil) async throws(RedisError) -> [(member: String, score: Double)] {
        try Self.scoredMembers(try await send(.zrangeByScore(key, min: min, max: max, limit: limit)))
    }

    public func zpopmin(_ key: String, count: Int = 1) async throws(RedisError) -> [(member: String, score: Double)] {
        try Self.scoredMembers(try await send(.zpopmin(key, count: count)))
    }

    static func scoredMembers(_ reply: RESPValue) throws(RedisError) -> [(member: String, score: Double)] {
        guard let flat = reply.array, flat.count % 2 == 0 else { throw RedisError(.unexpectedReply, "scored members: \(reply)") }
        return stride(from: 0, to: flat.count, by: 2).compactMap { index in
            guard let member = flat[index].string, let score = flat[index + 1].double else { return nil }
            return (member, score)
        }
    }
}
