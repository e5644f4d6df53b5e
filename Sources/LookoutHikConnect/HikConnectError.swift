/// Every way a Hik-Connect call can fail. Compare `code` to tell them apart:
/// `catch where error.code == .deviceOffline`. `errorCode` and `message` keep what the cloud
/// said (`EVZ20007`, `TOKEN_NOT_FOUND{OPEN000006}`); neither ever holds a token, a secret or a
/// stream URL.
public struct HikConnectError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case deviceOffline = "device offline"
            case notFound = "not found"
            case encrypted = "stream encrypted"
            case rateLimited = "rate limited"
            case badCredentials = "bad credentials"
            case tokenInvalid = "token invalid"
            case serverError = "server error"
            case timeout = "timeout"
            case unreachable = "unreachable"
            case circuitOpen = "circuit open"
            case invalidResponse = "invalid response"
            case invalidRequest = "invalid request"
            case redis = "redis"
            case cancelled = "cancelled"
            case other = "other"
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The device is offline (`EVZ20007`, `OPEN000550`): a camera state, not worth a retry now.
        public static var deviceOffline: Self { .init(.deviceOffline) }
        /// The resource or device is unknown or not in this account (`OPEN000503`, `EVZ20002`, `EVZ20018`).
        public static var notFound: Self { .init(.notFound) }
        /// Stream encryption is on, which RTMP/HLS cannot carry (`EVZ60019`).
        public static var encrypted: Self { .init(.encrypted) }
        /// The cloud's 5 req/s limit answered (`EVZ10029`, `OPEN000027`, or HTTP 429).
        public static var rateLimited: Self { .init(.rateLimited) }
        /// appKey/secretKey rejected (`OPEN000001`, `OPEN300002`, `OPEN000010`).
        public static var badCredentials: Self { .init(.badCredentials) }
        /// The token is unknown, expired, revoked or missing (`OPEN000005/6/7`, HTTP 401), even after one re-login.
        public static var tokenInvalid: Self { .init(.tokenInvalid) }
        /// HTTP 5xx. Counts toward the circuit breaker.
        public static var serverError: Self { .init(.serverError) }
        /// No answer within the request timeout, or the device did not answer in time (`EVZ20008`).
        public static var timeout: Self { .init(.timeout) }
        /// The connection could not be made or broke. Counts toward the circuit breaker.
        public static var unreachable: Self { .init(.unreachable) }
        /// The circuit breaker is open: no request was sent.
        public static var circuitOpen: Self { .init(.circuitOpen) }
        /// The answer was not the documented JSON shape.
        public static var invalidResponse: Self { .init(.invalidResponse) }
        /// A parameter was refused, locally or by the cloud (`OPEN000008`, `EVZ10001`).
        public static var invalidRequest: Self { .init(.invalidRequest) }
        /// The shared token cache or rate limiter (Redis) failed.
        public static var redis: Self { .init(.redis) }
        /// The calling task was cancelled.
        public static var cancelled: Self { .init(.cancelled) }
        /// Any other `errorCode`; read `errorCode` and `message`.
        public static var other: Self { .init(.other) }

        public var description: String { value.rawValue }
    }

    public let code: Code
    /// The cloud's `errorCode` (e.g. `EVZ20007`), or nil when the failure was not a business answer.
    public let errorCode: String?
    /// The cloud's `message`, or a description of a local failure.
    public let message: String

    public init(_ code: Code, errorCode: String? = nil, _ message: String) {
        self.code = code
        self.errorCode = errorCode
        self.message = message
    }

    /// Whether the circuit breaker counts this failure: 5xx, timeouts and broken connections.
    public var isTransportFailure: Bool {
        errorCode == nil && (code == .serverError || code == .timeout || code == .unreachable)
    }

    public var description: String {
        if let errorCode { return "Hik-Connect \(code) (\(errorCode)): \(message)" }
        return "Hik-Connect \(code): \(message)"
    }
}
