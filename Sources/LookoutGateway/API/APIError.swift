import Foundation
public import HTTPTypes
public import Hummingbird
import NIOCore

/// Every error the HTTP API answers, in one shape:
/// `{"error":{"code":"invalid_field","message":"…","field":"name"}}`.
///
/// Messages are written here or by the repositories, never copied from a library error, so
/// they cannot carry a token, a key or a stream URL.
public struct APIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    /// Stable, machine-readable: see ``codes``.
    public let code: String
    public let message: String
    /// The request field at fault, for `invalid_field` and `duplicate`.
    public let field: String?
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, field: String? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        let body = APIErrorBody(error: .init(code: code, message: message, field: field))
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try JSONResponse.encoder.encode(body))))
    }

    static func malformedJSON(_ message: String) -> APIError { .init(.badRequest, code: "malformed_json", message) }
    static func invalidField(_ field: String, _ message: String) -> APIError {
        .init(.unprocessableContent, code: "invalid_field", message, field: field)
    }
    static func notFound(_ message: String) -> APIError { .init(.notFound, code: "not_found", message) }
    static func duplicate(_ field: String, _ message: String) -> APIError { .init(.conflict, code: "duplicate", message, field: field) }
    static func bodyTooLarge(limit: Int) -> APIError {
        .init(.contentTooLarge, code: "body_too_large", "the request body is larger than \(limit) bytes")
    }
    static func unauthorized(_ message: String) -> APIError {
        .init(.unauthorized, code: "unauthorized", message, headers: [.wwwAuthenticate: #"Bearer realm="lookout""#])
    }
    static func forbidden(_ message: String) -> APIError { .init(.forbidden, code: "forbidden", message) }
    static func invalidPath(_ message: String) -> APIError { .init(.badRequest, code: "invalid_path", message) }
    static func methodNotAllowed(allow: String) -> APIError {
        .init(.methodNotAllowed, code: "method_not_allowed", "this path answers \(allow)", headers: [.allow: allow])
    }
    static func rateLimited(retryAfter seconds: Int) -> APIError {
        .init(
            .tooManyRequests, code: "rate_limited", "too many failed authentication attempts; retry in \(seconds) s",
            headers: [.retryAfter: String(seconds)])
    }
    static func unavailable(_ message: String) -> APIError { .init(.serviceUnavailable, code: "unavailable", message) }
    static let upgradeRequired = APIError(.upgradeRequired, code: "upgrade_required", "/ws is a WebSocket endpoint; see docs/protocol.md")
    static let internalError = APIError(.internalServerError, code: "internal", "internal error; the gateway log has the details")

    /// Every `code` the API uses, with its status: the OpenAPI document lists them.
    static let codes: [(code: String, status: Int)] = [
        ("malformed_json", 400), ("invalid_path", 400), ("unauthorized", 401), ("forbidden", 403), ("not_found", 404),
        ("method_not_allowed", 405), ("duplicate", 409),
        ("body_too_large", 413), ("invalid_field", 422), ("upgrade_required", 426), ("rate_limited", 429), ("internal", 500), ("unavailable", 503),
    ]
}

struct APIErrorBody: Codable, Sendable {
    struct Detail: Codable, Sendable {
        let code: String
        let message: String
        let field: String?
    }
    let error: Detail
}
