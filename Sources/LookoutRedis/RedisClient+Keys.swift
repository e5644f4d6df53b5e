extension RedisClient {
    public func ping() async throws(RedisError) {
        try await send(.ping())
    }

    public func get(_ key: String) async throws(RedisError) -> String? {
        try await send(.get(key)).string
    }

    /// Returns false when a condition (NX/XX) kept the value from being written.
    @discardableResult
    public func set(
        _ key: String, _ value: String, ttl: Duration? = nil, condition: RedisCommand.SetCondition = .always
    ) async throws(RedisError) -> Bool {
        try await !send(.set(key, value, ttl: ttl, condition: condition)).isNull
    }

    @discardableResult
    public func del(_ keys: String...) async throws(RedisError) -> Int {
        try await send(.del(keys)).int ?? 0
    }

    public func exists(_ key: String) async throws(RedisError) -> Bool {
        try await send(.exists(key)).int == 1
    }

    public func incr(_ key: String) async throws(RedisError) -> Int {
        let reply = try await send(.incr(key))
        guard let value = reply.int else { throw RedisError(.unexpectedReply, "INCR: \(reply)") }
        return value
    }

    public func incrBy(_ key: String, _ amount: Int) async throws(RedisError) -> Int {
        let reply = try await send(.incrBy(key, amount))
        guard let value = reply.int else { throw RedisError(.unexpectedReply, "INCRBY: \(reply)") }
        return value
    }

    @discardableResult
    public func pexpire(_ key: String, _ ttl: Duration) async throws(RedisError) -> Bool {
        try await send(.pexpire(key, ttl)).int == 1
    }

    /// Remaining time to live; nil when the key is missing or has no expiry.
    public func pttl(_ key: String) async throws(RedisError) -> Duration? {
        guard let milliseconds = try await send(.pttl(key)).int, milliseconds >= 0 else { return nil }
        return .milliseconds(milliseconds)
    }

    /// Returns how many subscribers received the message, on this Redis node.
    @discardableResult
    public func publish(_ channel: String, _ message: String) async throws(RedisError) -> Int {
        try await send(.publish(channel, message)).int ?? 0
    }
}
