import Foundation

/// A failed Control API call. Switch on ``code``: each has a different remedy.
///
/// ``message`` is MediaMTX's own error text (`{"status":"error","error":…}`) with any URL in it
/// replaced by `<url>`, since validation errors quote the source URL and its credentials.
public struct MediaMTXAPIError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case unauthorized, badRequest = "bad request", notFound = "not found", unreachable
            case unexpectedResponse = "unexpected response", notConfirmed = "not confirmed", cancelled
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// 401: the credentials (settings LOOKOUT_MEDIAMTX_API_USER / _PASSWORD) are missing or
        /// wrong. Retrying will not help until the configuration is fixed.
        public static var unauthorized: Self { .init(.unauthorized) }
        /// 400: MediaMTX refused the request; ``MediaMTXAPIError/message`` says why (invalid name,
        /// invalid source, unknown field, path already exists).
        public static var badRequest: Self { .init(.badRequest) }
        /// 404 on a call where the path must exist.
        public static var notFound: Self { .init(.notFound) }
        /// No HTTP answer (refused, timed out, connection lost) or 502/503/504: try again later.
        public static var unreachable: Self { .init(.unreachable) }
        /// Any other status (e.g. 500 `terminated` while a path closes) or a body that is not the contract's JSON.
        public static var unexpectedResponse: Self { .init(.unexpectedResponse) }
        /// The change was accepted (200) but did not show in the path's config in time.
        public static var notConfirmed: Self { .init(.notConfirmed) }
        /// The calling task was cancelled.
        public static var cancelled: Self { .init(.cancelled) }

        public var description: String { value.rawValue }
    }

    public let code: Code
    /// The HTTP status, when there was an answer.
    public let status: Int?
    /// The path the call was about, if any.
    public let path: String?
    public let message: String

    public init(_ code: Code, status: Int? = nil, path: String? = nil, _ message: String) {
        self.code = code
        self.status = status
        self.path = path
        self.message = Self.redactingURLs(message)
    }

    public var description: String {
        "MediaMTX API \(code)" + (status.map { " (\($0))" } ?? "") + (path.map { " for path '\($0)'" } ?? "") + ": \(message)"
    }

    /// `text` with every `scheme://…` run (up to a space or quote) replaced by `<url>`.
    static func redactingURLs(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let marker = rest.range(of: "://") {
            var start = marker.lowerBound
            while start > rest.startIndex, let previous = rest[rest.index(before: start)].unicodeScalars.first,
                previous.properties.isAlphabetic || previous == "+" || previous == "-" || previous == "."
            {
                start = rest.index(before: start)
            }
            let end = rest[marker.upperBound...].firstIndex { $0 == " " || $0 == "'" || $0 == "\"" || $0.isNewline } ?? rest.endIndex
            result += rest[..<start] + "<url>"
            rest = rest[end...]
        }
        return result + rest
    }
}
