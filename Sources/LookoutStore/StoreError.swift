/// Thrown by Lookout's PostgreSQL repositories (``PostgresNVRRepository``,
/// ``PostgresAPIKeyRepository``, ``PostgresPresenceStore``).
///
/// Switch on ``code``; ``field`` names the column of a ``Code/duplicate`` (e.g. `hostname`).
public struct StoreError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case duplicate
            case notFound
            case invalidArgument
            case cancelled
            case database
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// A unique value is taken already; ``StoreError/field`` names it.
        public static var duplicate: Self { .init(.duplicate) }
        /// The row the call names does not exist.
        public static var notFound: Self { .init(.notFound) }
        /// An argument the database would refuse, caught before asking it.
        public static var invalidArgument: Self { .init(.invalidArgument) }
        /// The calling task was cancelled; a transaction in progress was rolled back.
        public static var cancelled: Self { .init(.cancelled) }
        /// PostgreSQL or the connection failed; ``StoreError/message`` holds the server's summary.
        public static var database: Self { .init(.database) }

        public var description: String { self.base.rawValue }
    }

    public let code: Code
    /// For ``Code/duplicate`` and ``Code/invalidArgument``: the field at fault, e.g. `hostname`.
    public let field: String?
    /// A sentence for logs and API errors. Never contains a token or key.
    public let message: String
    /// The PostgreSQL or connection error behind this one, if any.
    public let underlying: (any Error)?

    init(_ code: Code, field: String? = nil, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.field = field
        self.message = message
        self.underlying = underlying
    }

    /// A unique value is taken already.
    public static func duplicate(_ field: String, _ message: String? = nil, underlying: (any Error)? = nil) -> StoreError {
        StoreError(.duplicate, field: field, message ?? "\(field) is already taken", underlying: underlying)
    }

    /// The named row does not exist.
    public static func notFound(_ message: String) -> StoreError {
        StoreError(.notFound, message)
    }

    /// A database or connection failure.
    public static func database(_ summary: String, underlying: (any Error)? = nil) -> StoreError {
        StoreError(.database, summary, underlying: underlying)
    }

    public var description: String { self.message }
}
