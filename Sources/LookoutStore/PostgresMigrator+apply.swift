import Logging
import PostgresNIO

extension PostgresMigrator {
    /// Runs one migration and records it in `schema_migrations`, all in one transaction.
    ///
    /// On any error the transaction is rolled back and a ``MigrationError/Code/migrationFailed``
    /// error names the migration, the failing statement and the server's message.
    func apply(_ migration: Migration, on connection: PostgresConnection, logger: Logger) async throws {
        var logger = logger
        logger[metadataKey: "lookout.migration.version"] = "\(migration.version)"
        logger[metadataKey: "lookout.migration.name"] = "\(migration.name)"
        logger.info("Applying migration")

        let label = "migration \(migration.version) (\(migration.name))"
        do {
            try await connection.query("BEGIN", logger: logger)
        } catch {
            throw MigrationError(.migrationFailed, "\(label) could not start a transaction: \(postgresErrorSummary(error))", underlying: error)
        }
        do {
            for (index, statement) in migration.statements.enumerated() {
                do {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                } catch {
                    throw MigrationError(
                        .migrationFailed,
                        "\(label) failed at statement \(index + 1) of \(migration.statements.count): \(postgresErrorSummary(error))",
                        underlying: error
                    )
                }
            }
            try await connection.query(
                """
                INSERT INTO schema_migrations (version, name, checksum)
                VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                """,
                logger: logger
            )
            try await connection.query("COMMIT", logger: logger)
        } catch {
            await Self.rollback(connection, logger: logger)
            if let error = error as? MigrationError {
                throw error
            }
            throw MigrationError(.migrationFailed, "\(label) could not be recorded: \(postgresErrorSummary(error))", underlying: error)
        }
        logger.info("Applied migration")
    }

    /// Rolls back the open transaction. A failure is only logged: the caller is already reporting
    /// the error that caused the rollback, and the unlock step closes a connection in doubt.
    private static func rollback(_ connection: PostgresConnection, logger: Logger) async {
        do {
            try await connection.query("ROLLBACK", logger: logger)
        } catch {
            logger.warning("Rollback failed", metadata: ["error": "\(postgresErrorSummary(error))"])
        }
    }
}
