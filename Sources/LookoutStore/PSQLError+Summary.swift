import PostgresNIO

extension PSQLError {
    /// The server's message and SQLSTATE, e.g. `relation "x" already exists (SQLSTATE 42P07)`.
    ///
    /// `PSQLError.description` hides server details on purpose; migration errors need them, and a
    /// DDL error message holds no secrets.
    var serverSummary: String {
        guard let serverInfo = self.serverInfo, let message = serverInfo[.message] else {
            return "\(self.code)"
        }
        if let state = serverInfo[.sqlState] {
            return "\(message) (SQLSTATE \(state))"
        }
        return message
    }
}

/// A short description of any error from a PostgreSQL call, safe for an operator to read.
func postgresErrorSummary(_ error: any Error) -> String {
    if let error = error as? PSQLError {
        return error.serverSummary
    }
    return "\(error)"
}
