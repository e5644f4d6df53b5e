/// Thrown when the database schema cannot be brought to the version this build expects.
public struct MigrationError: Error, CustomStringConvertible, Sendable {
    /// Why migrating failed.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case databaseNewer
            case unknownMigration
            case checksumMismatch
            case migrationFailed
            case lockFailed
            case historyFailed
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The database was migrated by a newer Lookout than this one.
        public static var databaseNewer: Self { .init(.databaseNewer) }
        /// The database records a migration this build does not have, below its newest version.
        public static var unknownMigration: Self { .init(.unknownMigration) }
        /// An applied migration's stored checksum differs from this build's text of it.
        public static var checksumMismatch: Self { .init(.checksumMismatch) }
        /// A migration statement failed; the migration's transaction was rolled back.
        public static var migrationFailed: Self { .init(.migrationFailed) }
        /// Taking the migration lock failed.
        public static var lockFailed: Self { .init(.lockFailed) }
        /// Creating or reading `schema_migrations` failed.
        public static var historyFailed: Self { .init(.historyFailed) }

        public var description: String { self.base.rawValue }
    }

    /// Why migrating failed.
    public let code: Code
    /// A sentence for an operator saying what is wrong and, where possible, what to do.
    public let message: String
    /// The PostgreSQL or connection error behind this one, if any.
    public let underlying: (any Error)?
    public let file: String
    public let line: Int

    init(_ code: Code, _ message: String, underlying: (any Error)? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    public var description: String { self.message }
}
