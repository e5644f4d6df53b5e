import Foundation
import LookoutStore

/// A throwaway database on the test PostgreSQL, made and queried with `psql`, for tests that
/// drive the `lookout` binary as a separate process.
public struct ScratchDatabase: Sendable {
    public let name: String
    public let url: String
    let adminURL: String

    /// A new database on the test PostgreSQL, or on the server of `adminURL` (a private one).
    public static func create(_ base: String = #function, adminURL: String? = nil) async throws -> ScratchDatabase {
        let adminURL = try adminURL ?? TestEnvironment.databaseURL
        let name = TestEnvironment.uniqueName(base).lowercased()
        let database = ScratchDatabase(name: name, url: PostgresURL.replacingDatabase(in: adminURL, with: name), adminURL: adminURL)
        _ = try await database.psql(adminURL, "CREATE DATABASE \(name)")
        return database
    }

    /// Runs SQL in this database and returns the unaligned, tuples-only output.
    public func query(_ sql: String) async throws -> String {
        try await psql(url, sql)
    }

    public func drop() async throws {
        _ = try await psql(adminURL, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    private func psql(_ url: String, _ sql: String) async throws -> String {
        let result = try await ChildProcess.run("/usr/bin/psql", [url, "-v", "ON_ERROR_STOP=1", "-tAc", sql])
        guard result.status == 0 else { throw ScratchDatabaseError(sql: sql, output: result.stderr) }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

public struct ScratchDatabaseError: Error, CustomStringConvertible {
    public let sql: String
    public let output: String
    public var description: String { "psql failed for \(sql): \(output)" }
}
