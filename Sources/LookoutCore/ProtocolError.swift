/// A client message the gateway cannot accept. `code` is what the client sees in
/// `{"type":"error","code":…,"message":…}`; see docs/protocol.md.
public struct ProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let invalidJSON = Code(rawValue: "invalid_json")
        public static let invalidMessage = Code(rawValue: "invalid_message")
        public static let unknownType = Code(rawValue: "unknown_type")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
