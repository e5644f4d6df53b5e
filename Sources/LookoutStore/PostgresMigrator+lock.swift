import Logging
import PostgresNIO

extension PostgresMigrator {
    /// Takes the session-level migration lock, waiting for another migrator if one holds it.
    ///
    /// If taking the lock fails half-way (a cancelled wait, a dropped connection) the connection
    /// is closed: a pooled connection must never keep, or later receive, a session lock.
    func lock(_ connection: PostgresConnection, logger: Logger) async throws {
        do {
            let acquired = try await connection.query(
                "SELECT pg_try_advisory_lock(\(Self.lockKey))",
                logger: logger
            ).singleValue(Bool.self)
            if acquired != true {
                logger.info("Waiting for another migrator to finish")
                try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
            }
            logger.debug("Migration lock taken")
        } catch {
            await Self.discard(connection, logger: logger)
            throw MigrationError(
                .lockFailed,
                "could not take the migration lock: \(postgresErrorSummary(error))",
                underlying: error
            )
        }
    }

    /// Releases the migration lock. Never throws: when the unlock cannot be confirmed the
    /// connection is closed instead, which releases every session lock it held.
    func unlock(_ connection: PostgresConnection, logger: Logger) async {
        do {
            let released = try await connection.query(
                "SELECT pg_advisory_unlock(\(Self.lockKey))",
                logger: logger
            ).singleValue(Bool.self)
            guard released == true else {
                logger.warning("Migration lock was not held at unlock; closing the connection")
                await Self.discard(connection, logger: logger)
                return
            }
            logger.debug("Migration lock released")
        } catch {
            logger.warning(
                "Could not release the migration lock; closing the connection",
                metadata: ["error": "\(postgresErrorSummary(error))"]
            )
            await Self.discard(connection, logger: logger)
        }
    }

    /// Closes a connection whose session state is unknown, so the pool does not hand it out again.
    private static func discard(_ connection: PostgresConnection, logger: Logger) async {
        do {
            try await connection.close()
        } catch {
            logger.debug("Closing the migration connection failed", metadata: ["error": "\(error)"])
        }
    }
}

extension PostgresRowSequence {
    /// The first column of the first row, or nil when there are no rows.
    func singleValue<Value: PostgresDecodable & Sendable>(_ type: Value.Type) async throws -> Value? {
        for try await value in self.decode(Value.self) {
            return value
        }
        return nil
    }
}
