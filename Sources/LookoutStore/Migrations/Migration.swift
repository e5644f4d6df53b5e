import LookoutCore

/// One versioned step of the database schema.
///
/// PostgresNIO sends every query through the extended protocol, which runs exactly one statement
/// per query, so a migration is a list of statements rather than one SQL script. The migrator runs
/// them in order inside one transaction, together with the `schema_migrations` row that records
/// the migration.
public struct Migration: Sendable, Hashable, Identifiable {
    /// Position in the schema history, starting at 1. Versions are never reused or renumbered.
    public let version: Int
    /// A short snake_case name, for logs and `schema_migrations.name`.
    public let name: String
    /// The SQL statements, each without a trailing semicolon.
    public let statements: [String]
    /// SHA-256 hex of the statements joined with `";\n"`, stored when the migration is applied
    /// and compared on every later run, so an edited migration is caught instead of silently
    /// diverging.
    public let checksum: String

    public var id: Int { self.version }

    /// Creates a migration; its checksum is computed from the statements.
    public init(version: Int, name: String, statements: [String]) {
        precondition(version > 0, "migration versions start at 1")
        precondition(!statements.isEmpty, "migration \(version) has no statements")
        self.version = version
        self.name = name
        self.statements = statements
        self.checksum = Self.checksum(of: statements)
    }

    /// The checksum of a list of statements. The same value as `sha256sum` of the statements
    /// written out as a script with `;` and a newline between them (none after the last).
    static func checksum(of statements: [String]) -> String {
        SecretHash.sha256Hex(statements.joined(separator: ";\n"))
    }
}
