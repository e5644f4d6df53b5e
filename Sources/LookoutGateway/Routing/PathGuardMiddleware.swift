import Hummingbird

/// Refuses, with 400 `invalid_path`, every request path that two components could read
/// differently: empty segments (`//api/nvr`, a trailing `/`), dot segments (`/./`, `/../`),
/// encoded slashes, backslashes or dots (`%2F`, `%5C`, `%2E`), NUL, and broken percent-encoding.
///
/// The router collapses empty segments while a prefix check would not, which is how `//api/nvr`
/// once reached an admin route without a key. Authorization now uses the matched route
/// (``RouteAuthorizationMiddleware``), and this runs before it and before any handler, so a path
/// either has one spelling or is answered 400. It runs for unmatched paths too.
struct PathGuardMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let problem = Self.problem(in: request.uri.path) { throw APIError.invalidPath(problem) }
        return try await next(request, context)
    }

    /// Why `path` (the raw request-target path, before any decoding) is refused, or nil.
    static func problem(in path: String) -> String? {
        guard path.hasPrefix("/") else { return "the path must start with /" }
        guard path != "/" else { return nil }
        let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for segment in segments {
            if segment.isEmpty { return "the path has an empty segment (// or a trailing /)" }
            guard let decoded = percentDecoded(segment) else { return "the path has a broken percent-encoding" }
            if decoded == "." || decoded == ".." { return "the path has a dot segment" }
            if segment.contains("%"), decoded.contains(where: { $0 == "/" || $0 == "\\" || $0 == "." }) {
                return "the path has an encoded /, \\ or ."
            }
            if decoded.contains("\\") { return "the path has a backslash" }
            if decoded.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return "the path has a control character" }
        }
        return nil
    }

    /// `segment` with `%XX` decoded as UTF-8, nil when an escape or the bytes are malformed.
    static func percentDecoded(_ segment: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = segment.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
