/// Why `mediamtx.yml` could not be read, rendered or written. Switch on ``code``.
///
/// Messages name paths and keys, never a source URL (they carry credentials).
public struct MediaMTXConfigError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case invalidYAML = "invalid YAML"
            case invalidPathName = "invalid path name"
            case invalidSource = "invalid source"
            case unknownKey = "unknown key"
            case io = "file error"
            case fenced = "fenced"
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The file (or the rendered text) is not a YAML mapping MediaMTX could load.
        public static var invalidYAML: Self { .init(.invalidYAML) }
        /// A path name outside `^[0-9a-zA-Z_\-/\.]+$`, or with an empty, `.` or `..` segment.
        public static var invalidPathName: Self { .init(.invalidPathName) }
        /// A source URL that does not parse, lacks a host, or has a user without a password.
        public static var invalidSource: Self { .init(.invalidSource) }
        /// A key MediaMTX v1.20 does not know; MediaMTX would refuse the whole file.
        public static var unknownKey: Self { .init(.unknownKey) }
        /// Reading, writing, syncing or renaming a file failed.
        public static var io: Self { .init(.io) }
        /// The writer lost its lease before the rename: the file was left as it was.
        public static var fenced: Self { .init(.fenced) }

        public var description: String { value.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "MediaMTX config \(code): \(message)" }
}
