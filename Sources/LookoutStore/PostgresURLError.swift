/// Thrown when a `postgres://` connection URL cannot be turned into a `PostgresClient.Configuration`.
///
/// The message names what is wrong but never repeats the URL, so a password in it does not reach
/// logs or a terminal.
public struct PostgresURLError: Error, CustomStringConvertible, Sendable {
    /// What kind of problem the URL has.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case malformedURL
            case unsupportedScheme
            case missingHost
            case invalidPort
            case missingUsername
            case unsupportedParameter
            case invalidParameterValue
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The text is not a URL at all.
        public static var malformedURL: Self { .init(.malformedURL) }
        /// The scheme is neither `postgres` nor `postgresql`.
        public static var unsupportedScheme: Self { .init(.unsupportedScheme) }
        /// The URL has no host name.
        public static var missingHost: Self { .init(.missingHost) }
        /// The port is not a number between 1 and 65535.
        public static var invalidPort: Self { .init(.invalidPort) }
        /// The URL has no user name.
        public static var missingUsername: Self { .init(.missingUsername) }
        /// A query parameter Lookout does not understand.
        public static var unsupportedParameter: Self { .init(.unsupportedParameter) }
        /// A known query parameter with a value Lookout does not understand.
        public static var invalidParameterValue: Self { .init(.invalidParameterValue) }

        public var description: String { self.base.rawValue }
    }

    /// What kind of problem the URL has.
    public let code: Code
    /// A sentence naming what is wrong, safe to show to an operator.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "invalid database URL: \(self.message)" }
}
