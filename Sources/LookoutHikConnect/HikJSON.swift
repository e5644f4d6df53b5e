/// A JSON value as the OpenAPI sends it. Its accessors accept numbers sent as strings and
/// strings holding numbers (`"pageIndex":"1"` and `"pageIndex":1` both read as 1), which
/// real clients and servers mix freely (reference §1).
public enum HikJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([HikJSON])
    case object([String: HikJSON])

    public subscript(key: String) -> HikJSON? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    /// Strings as they are; numbers as their decimal text.
    public var string: String? {
        switch self {
        case .string(let text): text
        case .integer(let number): String(number)
        case .double(let number) where number.rounded() == number && abs(number) < 1e18: String(Int64(number))
        case .double(let number): String(number)
        default: nil
        }
    }

    /// Integers, integral doubles, and strings holding an integer.
    public var int64: Int64? {
        switch self {
        case .integer(let number): number
        case .double(let number) where number.rounded() == number && abs(number) < 9e18: Int64(number)
        case .string(let text): Int64(text.trimmingSpaces)
        case .bool(let flag): flag ? 1 : 0
        default: nil
        }
    }

    public var int: Int? { int64.flatMap { Int(exactly: $0) } }

    public var array: [HikJSON]? {
        if case .array(let values) = self { return values }
        return nil
    }

    public var isNull: Bool { self == .null }
}

extension HikJSON: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Int64.self) {
            self = .integer(number)
        } else if let number = try? container.decode(Double.self) {
            self = .double(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let values = try? container.decode([HikJSON].self) {
            self = .array(values)
        } else {
            self = .object(try container.decode([String: HikJSON].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .integer(let number): try container.encode(number)
        case .double(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        case .array(let values): try container.encode(values)
        case .object(let fields): try container.encode(fields)
        }
    }
}

extension HikJSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(dictionaryLiteral elements: (String, HikJSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { $1 }))
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        let start = firstIndex { $0 != " " } ?? endIndex
        let end = lastIndex { $0 != " " }.map { index(after: $0) } ?? start
        return self[start..<max(start, end)]
    }
}
