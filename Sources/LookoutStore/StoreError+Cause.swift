import PostgresNIO

extension StoreError {
    /// The SQLSTATE the server answered with, or nil when no server answered (connection refused,
    /// closed, a pool that cannot connect, cancellation).
    public var sqlState: String? {
        var error = underlying
        if let transaction = error as? PostgresTransactionError {
            error = transaction.closureError ?? transaction.beginError ?? transaction.commitError
        }
        return (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// Caused by the data of the request itself: SQLSTATE class 22 (data exception) or 23
    /// (integrity constraint violation). It repeats on every try while the database is healthy.
    public var isCausedByData: Bool {
        guard let state = sqlState else { return false }
        return state.hasPrefix("22") || state.hasPrefix("23")
    }

    /// The server refused the request itself: a server answer outside the classes that mean
    /// "the database is unwell, busy or not writable now" (08 connection, 40 serialization /
    /// deadlock, 53 resources, 55 lock not available, 57 shutdown or starting up, 58 system, XX
    /// internal, and 25006 read-only transaction: a standby, or a primary set read-only). Nil
    /// SQLSTATE (no answer) is never this.
    public var isRefusalOfRequest: Bool {
        guard let state = sqlState, state != "25006" else { return false }
        return !["08", "40", "53", "55", "57", "58", "XX"].contains(String(state.prefix(2)))
    }
}
