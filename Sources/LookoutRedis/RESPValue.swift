public import NIOCore

/// One RESP2 reply, copied out of hiredis's reply tree into a Sendable Swift value.
public enum RESPValue: Sendable, Hashable {
    case simpleString(String)
    case error(String)
    case integer(Int64)
    case bulkString(ByteBuffer)
    case array([RESPValue])
    case null

    /// The value as text: simple and bulk strings, and integers.
    public var string: String? {
        switch self {
        case .simpleString(let text): text
        case .bulkString(let bytes): String(buffer: bytes)
        case .integer(let number): String(number)
        default: nil
        }
    }

    /// The value as an integer: integers, and strings holding one.
    public var int: Int? {
        switch self {
        case .integer(let number): Int(number)
        case .simpleString, .bulkString: string.flatMap { Int($0) }
        default: nil
        }
    }

    /// The value as a Double: sorted-set scores come back as bulk strings.
    public var double: Double? {
        switch self {
        case .integer(let number): Double(number)
        case .simpleString, .bulkString: string.flatMap { Double($0) }
        default: nil
        }
    }

    public var array: [RESPValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// The server's error text when this is an error reply.
    public var errorMessage: String? {
        if case .error(let message) = self { return message }
        return nil
    }
}

extension RESPValue: CustomStringConvertible {
    public var description: String {
        switch self {
        case .simpleString(let text): "+\(text)"
        case .error(let text): "-\(text)"
        case .integer(let number): ":\(number)"
        case .bulkString(let bytes): "\"\(String(buffer: bytes))\""
        case .array(let values): "[\(values.map(\.description).joined(separator: ", "))]"
        case .null: "nil"
        }
    }
}
