import Logging
public import PostgresNIO

/// Brings a PostgreSQL database to the schema this build of Lookout expects.
///
/// ```swift
/// let report = try await PostgresMigrator().migrate(client: client, logger: logger)
/// ```
///
/// - Any number of processes may migrate the same database at once: a session-level advisory lock
///   on one leased connection serialises them, and the later ones find nothing to do.
/// - Each pending migration runs in its own transaction together with its `schema_migrations`
///   row, so a failed migration leaves neither a half-built schema nor a record of it.
/// - A database migrated by a newer Lookout, or one whose applied migrations differ from this
///   build's, is refused with a ``MigrationError`` instead of being touched.
public struct PostgresMigrator: Sendable {
    /// Key of the session-level advisory lock migrators take: "lookout" in ASCII. Advisory locks
    /// are per database, so migrators of different databases do not wait for each other.
    static let lockKey: Int64 = 0x6C_6F6F_6B6F_7574

    /// The migrations this migrator applies, in version order.
    public let migrations: [Migration]

    /// Creates a migrator for the given migrations, by default Lookout's schema.
    ///
    /// - Precondition: versions strictly increase.
    public init(migrations: [Migration] = LookoutSchema.migrations) {
        for (previous, next) in zip(migrations, migrations.dropFirst()) {
            precondition(previous.version < next.version, "migration versions must strictly increase: \(previous.version), \(next.version)")
        }
        self.migrations = migrations
    }

    /// The newest version this migrator knows.
    public var latestVersion: Int { self.migrations.last?.version ?? 0 }

    /// Applies every pending migration and reports what it did.
    ///
    /// Leases one connection from `client` for the whole run; the client must be running.
    /// - Throws: ``MigrationError``.
    public func migrate(client: PostgresClient, logger: Logger) async throws -> MigrationReport {
        try await client.withConnection { connection in
            try await self.migrate(connection: connection, logger: logger)
        }
    }

    /// Applies every pending migration on one connection, holding the migration lock throughout.
    func migrate(connection: PostgresConnection, logger: Logger) async throws -> MigrationReport {
        try await self.lock(connection, logger: logger)
        let result: Result<MigrationReport, any Error>
        do {
            result = .success(try await self.migrateLocked(connection, logger: logger))
        } catch {
            result = .failure(error)
        }
        await self.unlock(connection, logger: logger)
        return try result.get()
    }

    private func migrateLocked(_ connection: PostgresConnection, logger: Logger) async throws -> MigrationReport {
        let applied = try await self.history(connection, logger: logger)
        let pending = try self.pendingMigrations(applied: applied)
        var currentVersion = applied.map(\.version).max() ?? 0
        guard !pending.isEmpty else {
            logger.info("Database schema is current", metadata: ["lookout.migration.version": "\(currentVersion)"])
            return MigrationReport(appliedVersions: [], currentVersion: currentVersion)
        }
        for migration in pending {
            try await self.apply(migration, on: connection, logger: logger)
            currentVersion = max(currentVersion, migration.version)
        }
        logger.info(
            "Database schema migrated",
            metadata: ["lookout.migration.version": "\(currentVersion)", "lookout.migration.applied": "\(pending.count)"]
        )
        return MigrationReport(appliedVersions: pending.map(\.version), currentVersion: currentVersion)
    }
}
