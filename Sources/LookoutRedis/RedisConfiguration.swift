/// Where Redis is and how long to wait for it.
public struct RedisConfiguration: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public var database: Int
    /// TCP connect plus AUTH and SELECT.
    public var connectTimeout: Duration
    /// How long a reply may take; blocking commands get their BLOCK time on top.
    public var commandTimeout: Duration

    public init(
        host: String = "127.0.0.1",
        port: Int = 6379,
        username: String? = nil,
        password: String? = nil,
        database: Int = 0,
        connectTimeout: Duration = .seconds(2),
        commandTimeout: Duration = .seconds(5)
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
    }

    /// Parses `redis://[[user]:password@]host[:port][/db]`.
    public init(url: String) throws(RedisURLError) {
        guard url.hasPrefix("redis://") else { throw RedisURLError("must start with redis://") }
        var rest = Substring(url.dropFirst("redis://".count))
        self.init()
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                let user = credentials[..<colon]
                username = user.isEmpty ? nil : String(user).removingURLPercentEncoding
                password = String(credentials[credentials.index(after: colon)...]).removingURLPercentEncoding
            } else {
                password = String(credentials).removingURLPercentEncoding
            }
        }
        var authority = rest
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            let path = rest[rest.index(after: slash)...]
            if !path.isEmpty {
                guard let number = Int(path), number >= 0 else { throw RedisURLError("database must be a number, got '\(path)'") }
                database = number
            }
        }
        if let colon = authority.lastIndex(of: ":") {
            let portText = authority[authority.index(after: colon)...]
            guard let number = Int(portText), (1...65535).contains(number) else {
                throw RedisURLError("port must be 1-65535, got '\(portText)'")
            }
            port = number
            authority = authority[..<colon]
        }
        guard !authority.isEmpty else { throw RedisURLError("host is missing") }
        host = String(authority)
    }
}

/// A Redis URL that does not parse; `reason` says which part is wrong.
public struct RedisURLError: Error, Sendable, CustomStringConvertible {
    public let reason: String
    init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

extension String {
    /// Decodes `%XX` escapes; credentials in URLs may carry them. Invalid escapes stay as they are.
    fileprivate var removingURLPercentEncoding: String {
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
