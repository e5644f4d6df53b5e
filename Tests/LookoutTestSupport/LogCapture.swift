public import Logging
import Synchronization

/// Every log line written through its handlers (label, message, metadata and error rendered as
/// text), so a test can check what was logged, and what never was (secrets).
public final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    public init() {}

    public var all: [String] { lines.withLock { $0 } }

    /// A logger writing here, at trace level.
    public func logger(_ label: String = "capture") -> Logger {
        var logger = Logger(label: label) { label in Handler(label: label, capture: self) }
        logger.logLevel = .trace
        return logger
    }

    /// A handler writing here, at trace level, for a `Logger(label:factory:)` of the caller's.
    public func handler(label: String = "capture") -> some LogHandler { Handler(label: label, capture: self) }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let label: String
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            capture.append("\(event.level) \(label): \(event.message) \(rendered) \(event.error.map { "\($0)" } ?? "")")
        }
    }
}
