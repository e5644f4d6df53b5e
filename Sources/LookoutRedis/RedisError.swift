/// Every way a Redis call can fail. Compare `code` to tell them apart:
/// `catch let error as RedisError where error.code == .timeout`.
public struct RedisError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case connectionFailed = "connection failed"
            case connectionLost = "connection lost"
            case timeout = "timeout"
            case server = "server error"
            case protocolError = "protocol error"
            case unexpectedReply = "unexpected reply"
            case closed = "client closed"
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The TCP connection, AUTH or SELECT failed: Redis is down or the URL is wrong.
        public static var connectionFailed: Self { .init(.connectionFailed) }
        /// The connection dropped with the command in flight; it may or may not have run.
        public static var connectionLost: Self { .init(.connectionLost) }
        /// No reply within the command timeout; the connection was closed.
        public static var timeout: Self { .init(.timeout) }
        /// Redis answered with an error reply; `message` holds its text.
        public static var server: Self { .init(.server) }
        /// The bytes from the server were not valid RESP.
        public static var protocolError: Self { .init(.protocolError) }
        /// A valid reply of a shape the typed command did not expect.
        public static var unexpectedReply: Self { .init(.unexpectedReply) }
        /// The client was shut down.
        public static var closed: Self { .init(.closed) }

        public var description: String { value.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// For server errors: the first word of the reply, e.g. `NOSCRIPT`, `BUSYGROUP`, `WRONGTYPE`.
    public var serverErrorPrefix: String? {
        guard code == .server else { return nil }
        return message.split(separator: " ", maxSplits: 1).first.map(String.init)
    }

    public var description: String { "Redis \(code): \(message)" }
}
