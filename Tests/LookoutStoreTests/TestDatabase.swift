import Foundation
import Logging
import LookoutStore
import PostgresNIO
import Testing

/// A throwaway database on the test server named by `LOOKOUT_TEST_DATABASE_URL`.
///
/// `TestDatabase.with { db in … }` creates `lookout_test_<random>`, hands it to the body and drops
/// it afterwards, also when the body throws. Tests never share a database, so they run in
/// parallel.
struct TestDatabase: Sendable {
    static let urlVariable = "LOOKOUT_TEST_DATABASE_URL"

    /// The new database's name.
    let name: String
    /// Connects to the new database as the test server's superuser.
    let configuration: PostgresClient.Configuration

    /// A logger for test code; `LOG_LEVEL=debug` shows the migrator's lock messages.
    static var logger: Logger {
        var logger = Logger(label: "lookout.store.tests")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return logger
    }

    /// The superuser configuration from `LOOKOUT_TEST_DATABASE_URL`. Fails the test (never skips
    /// it) when the variable is missing or invalid.
    static func serverConfiguration() throws -> PostgresClient.Configuration {
        try PostgresClient.Configuration(url: try Self.serverURL())
    }

    /// `LOOKOUT_TEST_DATABASE_URL`; fails the test when it is missing.
    static func serverURL() throws -> String {
        try #require(
            ProcessInfo.processInfo.environment[Self.urlVariable],
            """
            \(Self.urlVariable) is not set. These tests need a real PostgreSQL superuser URL, e.g. \
            postgres://postgres@127.0.0.1:5432/postgres (make test sets it).
            """
        )
    }

    /// Creates a fresh database, runs `body` with it and drops it.
    static func with<Result: Sendable>(_ body: (TestDatabase) async throws -> Result) async throws -> Result {
        let server = try Self.serverConfiguration()
        let name = "lookout_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try await Self.withClient(server) { client in
            _ = try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: Self.logger)
        }
        var configuration = server
        configuration.database = name
        let database = TestDatabase(name: name, configuration: configuration)

        let result: Swift.Result<Result, any Error>
        do {
            result = .success(try await body(database))
        } catch {
            result = .failure(error)
        }
        try await Self.withClient(server) { client in
            // FORCE ends connections a failed test may have left behind (PostgreSQL 13+).
            _ = try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: Self.logger)
        }
        return try result.get()
    }

    /// Runs a client for this database while `body` runs.
    func withClient<Result: Sendable>(_ body: (PostgresClient) async throws -> Result) async throws -> Result {
        try await Self.withClient(self.configuration, body)
    }

    /// Runs a `PostgresClient` in a child task while `body` runs, then shuts it down.
    static func withClient<Result: Sendable>(
        _ configuration: PostgresClient.Configuration,
        _ body: (PostgresClient) async throws -> Result
    ) async throws -> Result {
        // The pool warns when a lease comes before `run()` got going, which the child task makes
        // routine here; only errors from the background are worth showing.
        var backgroundLogger = Self.logger
        backgroundLogger.logLevel = max(backgroundLogger.logLevel, .error)
        let client = PostgresClient(configuration: configuration, backgroundLogger: backgroundLogger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}

extension PostgresClient {
    /// The single value a one-row, one-column query returns.
    func scalar<Value: PostgresDecodable & Sendable>(_ query: PostgresQuery, as type: Value.Type = Value.self) async throws -> Value {
        let rows = try await self.query(query, logger: TestDatabase.logger)
        for try await value in rows.decode(Value.self) {
            return value
        }
        throw ScalarQueryReturnedNoRows()
    }
}

struct ScalarQueryReturnedNoRows: Error {}

extension Error {
    /// The SQLSTATE of a PostgreSQL server error, e.g. "23505" for a unique violation.
    var sqlState: String? {
        (self as? PSQLError)?.serverInfo?[.sqlState]
    }
}
