import Logging
import Synchronization

/// Bootstraps swift-log once per process, to stderr at the configured level.
enum LoggingBootstrap {
    private static let done = Mutex(false)

    static func run(level: Logger.Level) {
        let first = done.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    static func logger(_ label: String) -> Logger {
        Logger(label: label)
    }
}
