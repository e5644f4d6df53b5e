import Foundation
import Hummingbird
import NIOCore

/// A request's JSON object body, read within the size limit, with field accessors whose errors
/// name the field: 413 over the limit, 400 for malformed JSON or a body that is not an object,
/// 422 for a field of the wrong type or out of range. Unknown fields are ignored.
struct JSONBody: Sendable {
    let fields: [String: JSONValue]

    /// Reads and parses the body. An empty body is `{}` when `optional`, else 400.
    static func read(_ request: Request, limit: Int, optional: Bool = false) async throws -> JSONBody {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw APIError.bodyTooLarge(limit: limit) }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.bodyTooLarge(limit: limit)
        }
        guard buffer.readableBytes > 0 else {
            if optional { return JSONBody(fields: [:]) }
            throw APIError.malformedJSON("a JSON object body is required")
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
        } catch {
            throw APIError.malformedJSON("the body is not valid JSON")
        }
        guard case .object(let fields) = value else { throw APIError.malformedJSON("the body must be a JSON object, not \(value.kind)") }
        return JSONBody(fields: fields)
    }

    func has(_ name: String) -> Bool { fields[name] != nil }

    /// A string of 1…`maxLength` characters (after trimming), nil when absent.
    func string(_ name: String, maxLength: Int = 255, required: Bool = false) throws(APIError) -> String? {
        guard let value = fields[name], value != .null else {
            if required { throw APIError.invalidField(name, "\(name) is required") }
            if fields[name] == .null { throw APIError.invalidField(name, "\(name) must not be null") }
            return nil
        }
        guard case .string(let raw) = value else { throw APIError.invalidField(name, "\(name) must be a string, not \(value.kind)") }
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw APIError.invalidField(name, "\(name) must not be empty") }
        guard text.count <= maxLength else { throw APIError.invalidField(name, "\(name) must be at most \(maxLength) characters") }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError.invalidField(name, "\(name) must not contain control characters")
        }
        return text
    }

    /// Absent: nil; `null`: `.some(nil)`; else the string, checked as ``string(_:maxLength:required:)``.
    func nullableString(_ name: String, maxLength: Int = 255) throws(APIError) -> String?? {
        guard let value = fields[name] else { return nil }
        if value == .null { return .some(nil) }
        return .some(try string(name, maxLength: maxLength))
    }

    /// A whole number in `range`, nil when absent.
    func integer(_ name: String, in range: ClosedRange<Int64>, required: Bool = false) throws(APIError) -> Int64? {
        guard let value = fields[name], value != .null else {
            if required { throw APIError.invalidField(name, "\(name) is required") }
            if fields[name] == .null { throw APIError.invalidField(name, "\(name) must not be null") }
            return nil
        }
        guard case .integer(let number) = value else { throw APIError.invalidField(name, "\(name) must be a whole number, not \(value.kind)") }
        guard range.contains(number) else {
            throw APIError.invalidField(name, "\(name) must be from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// Absent: nil; `null`: `.some(nil)`; else as ``integer(_:in:required:)``.
    func nullableInteger(_ name: String, in range: ClosedRange<Int64>) throws(APIError) -> Int64?? {
        guard let value = fields[name] else { return nil }
        if value == .null { return .some(nil) }
        return .some(try integer(name, in: range))
    }

    func bool(_ name: String) throws(APIError) -> Bool? {
        guard let value = fields[name] else { return nil }
        guard case .bool(let flag) = value else { throw APIError.invalidField(name, "\(name) must be true or false, not \(value.kind)") }
        return flag
    }

    /// An array of whole numbers in `range` (at most `maxCount`), nil when absent or null.
    func integers(_ name: String, in range: ClosedRange<Int64>, maxCount: Int) throws(APIError) -> [Int64]? {
        guard let value = fields[name], value != .null else { return nil }
        guard case .array(let items) = value else { throw APIError.invalidField(name, "\(name) must be an array, not \(value.kind)") }
        guard items.count <= maxCount else { throw APIError.invalidField(name, "\(name) may hold at most \(maxCount) ids") }
        var numbers: [Int64] = []
        for item in items {
            guard case .integer(let number) = item, range.contains(number) else {
                throw APIError.invalidField(name, "\(name) must hold whole numbers from \(range.lowerBound) to \(range.upperBound)")
            }
            numbers.append(number)
        }
        return numbers
    }
}
