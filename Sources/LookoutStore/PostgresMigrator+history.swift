import Logging
import PostgresNIO

/// A row of `schema_migrations`.
struct AppliedMigration: Sendable, Hashable {
    var version: Int
    var name: String
    var checksum: String
}

extension PostgresMigrator {
    /// Creates `schema_migrations` when missing. It lives outside the versioned migrations
    /// because it records them. Run only under the migration lock: two concurrent
    /// `CREATE TABLE IF NOT EXISTS` can still collide.
    static let createHistoryTable: PostgresQuery = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version integer PRIMARY KEY CHECK (version > 0),
            name text NOT NULL,
            checksum text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """

    /// Creates `schema_migrations` if needed and reads it in version order.
    func history(_ connection: PostgresConnection, logger: Logger) async throws -> [AppliedMigration] {
        do {
            try await connection.query(Self.createHistoryTable, logger: logger)
            let rows = try await connection.query(
                "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
                logger: logger
            )
            var applied: [AppliedMigration] = []
            for try await (version, name, checksum) in rows.decode((Int, String, String).self) {
                applied.append(AppliedMigration(version: version, name: name, checksum: checksum))
            }
            return applied
        } catch {
            throw MigrationError(
                .historyFailed,
                "could not read schema_migrations: \(postgresErrorSummary(error))",
                underlying: error
            )
        }
    }

    /// The migrations still to apply, after checking that the database's history is one this
    /// build can continue.
    func pendingMigrations(applied: [AppliedMigration]) throws(MigrationError) -> [Migration] {
        if let newest = applied.map(\.version).max(), newest > self.latestVersion {
            throw MigrationError(
                .databaseNewer,
                "database schema is at version \(newest) but this lookout knows up to \(self.latestVersion); upgrade lookout"
            )
        }
        let known = Dictionary(uniqueKeysWithValues: self.migrations.map { ($0.version, $0) })
        for row in applied {
            guard let migration = known[row.version] else {
                throw MigrationError(
                    .unknownMigration,
                    "database has migration \(row.version) (\(row.name)) which this lookout does not know; "
                        + "it was applied by a different build of lookout"
                )
            }
            guard migration.checksum == row.checksum else {
                throw MigrationError(
                    .checksumMismatch,
                    "migration \(row.version) (\(row.name)) was applied with checksum \(row.checksum) "
                        + "but this lookout has \(migration.checksum); the migration was edited after it was applied. "
                        + "Restore its original text and put the change in a new migration"
                )
            }
        }
        let appliedVersions = Set(applied.map(\.version))
        return self.migrations.filter { !appliedVersions.contains($0.version) }
    }
}
