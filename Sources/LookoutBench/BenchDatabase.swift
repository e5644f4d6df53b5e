import Foundation
import Logging
import LookoutCore
import LookoutStore
import PostgresNIO

/// A fresh database for one benchmark run on the configured PostgreSQL server, migrated and
/// provisioned in bulk, dropped at the end.
struct BenchDatabase: Sendable {
    let name: String
    let url: String
    let adminURL: String
    let logger: Logger
    /// One client for the bench's queries on its database, running until `drop()`: a poll every
    /// 200 ms must not open a connection each time, nor the setup a pool per statement.
    let client: PostgresClient
    private let clientRun: Task<Void, Never>

    static func create(adminURL: String, logger: Logger) async throws -> BenchDatabase {
        let name = "lookout_bench_\(UInt32.random(in: .min ... .max))"
        let url = PostgresURL.replacingDatabase(in: adminURL, with: name)
        _ = try await withClient(adminURL, logger: logger) { client in
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        let client = PostgresClient(configuration: try PostgresClient.Configuration(url: url), backgroundLogger: logger)
        let clientRun = Task { await client.run() }
        do {
            _ = try await PostgresMigrator().migrate(client: client, logger: logger)
        } catch {
            clientRun.cancel()
            throw error
        }
        return BenchDatabase(name: name, url: url, adminURL: adminURL, logger: logger, client: client, clientRun: clientRun)
    }

    /// N NVRs `bench-nvr-000001…` with tokens (returned) and `camerasEach` cameras, in two statements.
    func provision(nvrs count: Int, camerasEach: Int = 0) async throws -> [(hostname: String, token: String)] {
        let credentials = (1...max(count, 1)).prefix(count).map { index in
            (hostname: String(format: "bench-nvr-%06d", index), token: SecretHash.generate(prefix: "nvr_"))
        }
        let hostnames = credentials.map(\.hostname)
        let hashes = credentials.map { SecretHash.sha256Hex($0.token) }
        try await client.query(
            "INSERT INTO nvrs (hostname, name, token_hash) SELECT h, h, t FROM unnest(\(hostnames)::text[], \(hashes)::text[]) AS x(h, t)",
            logger: logger)
        if camerasEach > 0 {
            try await client.query(
                """
                INSERT INTO cameras (nvr_id, name, hik_channel_no, mediamtx_path)
                SELECT n.id, n.hostname || ' camera ' || c, c, n.hostname || '-cam-' || c FROM nvrs n, generate_series(1, \(camerasEach)) c
                """, logger: logger)
        }
        return credentials
    }

    func count(_ sql: String) async throws -> Int {
        var value = 0
        for try await count in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self) { value = count }
        return value
    }

    func drop() async {
        clientRun.cancel()
        await clientRun.value
        _ = try? await Self.withClient(adminURL, logger: logger) { client in
            try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger)
        }
    }

    /// A client for `url` that runs only as long as `body`.
    static func withClient<T: Sendable>(
        _ url: String, logger: Logger, _ body: @escaping @Sendable (PostgresClient) async throws -> T
    ) async throws -> T {
        let client = PostgresClient(configuration: try PostgresClient.Configuration(url: url), backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
