import Logging
import PostgresNIO

extension PostgresClient {
    /// Runs `body` in a transaction on one leased connection and maps every failure to a
    /// ``StoreError`` naming `action`.
    ///
    /// Unlike `PostgresClient.withTransaction` the body's own error is kept (no wrapper). If the
    /// rollback after a failure cannot be confirmed the connection is closed, so the pool never
    /// lends out a connection that may still be inside the failed transaction.
    @discardableResult
    func storeTransaction<Result: Sendable>(
        _ action: String,
        logger: Logger,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws(StoreError) -> Result {
        do {
            return try await self.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                let result: Result
                do {
                    result = try await body(connection)
                } catch {
                    do {
                        try await connection.query("ROLLBACK", logger: logger)
                    } catch let rollbackError {
                        logger.warning(
                            "Rollback failed; closing the connection",
                            metadata: ["lookout.store.action": "\(action)", "error": "\(postgresErrorSummary(rollbackError))"]
                        )
                        try? await connection.close()
                    }
                    throw error
                }
                try await connection.query("COMMIT", logger: logger)
                return result
            }
        } catch {
            throw StoreError.wrapping(error, while: action)
        }
    }

    /// Runs `body` (statements outside a transaction) and maps every failure to a ``StoreError``.
    @discardableResult
    func store<Result: Sendable>(
        _ action: String,
        _ body: (PostgresClient) async throws -> Result
    ) async throws(StoreError) -> Result {
        do {
            return try await body(self)
        } catch {
            throw StoreError.wrapping(error, while: action)
        }
    }
}
