import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// JSON responses of the HTTP API: one encoder (sorted keys, so documents diff cleanly).
enum JSONResponse {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}

/// `{"success":true}` plus the given payload's fields, the envelope the old system's routes used.
struct Success<Payload: Encodable & Sendable>: Encodable, Sendable {
    let payload: Payload

    init(_ payload: Payload) {
        self.payload = payload
    }

    func encode(to encoder: any Encoder) throws {
        try payload.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(true, forKey: .success)
    }

    private enum Key: String, CodingKey { case success }
}
