import PostgresNIO

extension StoreError {
    /// Unique constraints whose violation a caller can act on, by name → the field they guard.
    static let uniqueConstraintFields: [String: String] = [
        "nvrs_hostname_key": "hostname",
        "cameras_mediamtx_path_key": "mediamtx_path",
        "cameras_hik_resource_id_key": "hik_resource_id",
        "api_keys_key_hash_key": "key_hash",
    ]

    /// Turns any error from a repository body into a ``StoreError``: a ``StoreError`` passes
    /// through, a transaction wrapper is unwrapped, a unique violation of a known constraint
    /// becomes ``Code/duplicate``, cancellation ``Code/cancelled``, anything else ``Code/database``.
    static func wrapping(_ error: any Error, while action: String) -> StoreError {
        if let error = error as? StoreError {
            return error
        }
        if let error = error as? PostgresTransactionError, let inner = error.closureError ?? error.beginError ?? error.commitError {
            return Self.wrapping(inner, while: action)
        }
        if error is CancellationError {
            return StoreError(.cancelled, "\(action) was cancelled", underlying: error)
        }
        if let error = error as? PSQLError {
            if error.code == .queryCancelled || error.code == .clientClosedConnection {
                // Task cancellation surfaces as a cancelled query or a closed connection.
                if Task.isCancelled { return StoreError(.cancelled, "\(action) was cancelled", underlying: error) }
            }
            if let info = error.serverInfo, info[.sqlState] == "23505",
                let constraint = info[.constraintName], let field = Self.uniqueConstraintFields[constraint]
            {
                return .duplicate(field, "\(field) is already taken (\(action))", underlying: error)
            }
        }
        return .database("\(action) failed: \(postgresErrorSummary(error))", underlying: error)
    }
}
