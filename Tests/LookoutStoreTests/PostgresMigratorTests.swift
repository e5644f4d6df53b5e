import LookoutStore
import PostgresNIO
import Testing

@Suite("PostgresMigrator against a real PostgreSQL", .timeLimit(.minutes(1)))
struct PostgresMigratorTests {
    static let tables: Set<String> = [
        "api_keys", "cameras", "nvr_sessions", "nvrs", "renewals", "schema_migrations", "alerts", "alert_events", "alert_deliveries", "alert_targets",
    ]
    static let indexes: Set<String> = [
        "nvrs_online_last_seen_at_idx", "cameras_nvr_id_idx", "cameras_status_idx",
        "cameras_renewal_due_at_idx", "nvr_sessions_nvr_id_connected_at_idx",
        "renewals_camera_id_started_at_idx", "nvrs_offline_status_changed_at_idx", "alerts_open_idx", "alert_events_pending_idx",
        "alert_deliveries_pending_idx",
    ]

    @Test func freshDatabaseGetsEveryTableAndIndex() async throws {
        try await TestDatabase.with { db in
            try await db.withClient { client in
                let report = try await PostgresMigrator().migrate(client: client, logger: TestDatabase.logger)
                #expect(report.appliedVersions == Array(1...LookoutSchema.latestVersion))
                #expect(report.currentVersion == LookoutSchema.latestVersion)
                #expect(!report.wasAlreadyCurrent)

                let tables = try await client.strings(
                    "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'"
                )
                #expect(Set(tables) == Self.tables)
                let indexes = try await client.strings("SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public'")
                #expect(Self.indexes.isSubset(of: Set(indexes)))
                // Dropped by v5: unused, and each cost an index write per presence event.
                #expect(Set(indexes).isDisjoint(with: ["nvrs_status_idx", "nvr_sessions_open_idx"]))
                let checksum = try await client.scalar("SELECT checksum FROM schema_migrations WHERE version = 1", as: String.self)
                #expect(checksum == Migration.initialChecksum)
            }
        }
    }

    @Test func rerunIsANoOp() async throws {
        try await TestDatabase.with { db in
            try await db.withClient { client in
                let migrator = PostgresMigrator()
                _ = try await migrator.migrate(client: client, logger: TestDatabase.logger)
                let before = try await client.strings("SELECT version || ' ' || applied_at FROM schema_migrations")
                let report = try await migrator.migrate(client: client, logger: TestDatabase.logger)
                #expect(report.wasAlreadyCurrent)
                #expect(report.appliedVersions.isEmpty)
                #expect(report.currentVersion == LookoutSchema.latestVersion)
                let after = try await client.strings("SELECT version || ' ' || applied_at FROM schema_migrations")
                #expect(after == before)
                #expect(after.count == LookoutSchema.migrations.count)
            }
        }
    }

    @Test func refusesADatabaseMigratedByANewerLookout() async throws {
        try await TestDatabase.with { db in
            try await db.withClient { client in
                _ = try await PostgresMigrator().migrate(client: client, logger: TestDatabase.logger)
                try await client.query(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (999, 'from_the_future', '0')"
                )
                let error = try await #require(throws: MigrationError.self) {
                    try await PostgresMigrator().migrate(client: client, logger: TestDatabase.logger)
                }
                #expect(error.code == .databaseNewer)
                #expect(
                    error.message
                        == "database schema is at version 999 but this lookout knows up to \(LookoutSchema.latestVersion); upgrade lookout"
                )
                #expect(try await client.advisoryLockCount() == 0, "the lock must be released after an error")
            }
        }
    }

    @Test func refusesAnEditedMigration() async throws {
        try await TestDatabase.with { db in
            try await db.withClient { client in
                _ = try await PostgresMigrator().migrate(client: client, logger: TestDatabase.logger)
                try await client.query("UPDATE schema_migrations SET checksum = 'bad' WHERE version = 1")
                let error = try await #require(throws: MigrationError.self) {
                    try await PostgresMigrator().migrate(client: client, logger: TestDatabase.logger)
                }
                #expect(error.code == .checksumMismatch)
                #expect(error.message.hasPrefix("migration 1 (initial) was applied with checksum bad"))
                #expect(try await client.advisoryLockCount() == 0)
            }
        }
    }

    @Test func concurrentMigratorsSerialise() async throws {
        try await TestDatabase.with { db in
            async let first = db.withClient { try await PostgresMigrator().migrate(client: $0, logger: TestDatabase.logger) }
            async let second = db.withClient { try await PostgresMigrator().migrate(client: $0, logger: TestDatabase.logger) }
            let reports = try await [first, second]

            let expected = LookoutSchema.migrations.map(\.version)
            #expect(reports.filter { $0.appliedVersions == expected }.count == 1, "exactly one migrator applies: \(reports)")
            #expect(reports.filter(\.wasAlreadyCurrent).count == 1, "the other finds nothing to do: \(reports)")
            #expect(reports.allSatisfy { $0.currentVersion == LookoutSchema.latestVersion })
            try await db.withClient { client in
                let versions = try await client.strings("SELECT version::text FROM schema_migrations ORDER BY version")
                #expect(versions == expected.map(String.init))
            }
        }
    }

    @Test func failedMigrationRollsBackAndReleasesTheLock() async throws {
        let next = LookoutSchema.latestVersion + 1
        let broken = Migration(
            version: next,
            name: "broken",
            statements: ["CREATE TABLE half_done (id integer)", "SELECT * FROM no_such_table"]
        )
        try await TestDatabase.with { db in
            try await db.withClient { client in
                let error = try await #require(throws: MigrationError.self) {
                    try await PostgresMigrator(migrations: LookoutSchema.migrations + [broken])
                        .migrate(client: client, logger: TestDatabase.logger)
                }
                #expect(error.code == .migrationFailed)
                #expect(error.message.hasPrefix("migration \(next) (broken) failed at statement 2 of 2: relation \"no_such_table\""))
                #expect(
                    try await client.strings("SELECT version::text FROM schema_migrations ORDER BY version")
                        == LookoutSchema.migrations.map { String($0.version) }
                )
                #expect(try await client.scalar("SELECT to_regclass('half_done') IS NULL", as: Bool.self))
                #expect(try await client.advisoryLockCount() == 0)
            }
            // Another process can migrate afterwards: the lock is gone and the released versions stand.
            try await db.withClient { client in
                let report = try await PostgresMigrator().migrate(client: client, logger: TestDatabase.logger)
                #expect(report.wasAlreadyCurrent)
            }
        }
    }

    @Test func appliesOnlyTheNewMigrationsAndRefusesUnknownOnes() async throws {
        let next = LookoutSchema.latestVersion + 1
        let second = Migration(version: next, name: "second", statements: ["CREATE TABLE second (id integer)"])
        let third = Migration(version: next + 1, name: "third", statements: ["CREATE TABLE third (id integer)"])
        try await TestDatabase.with { db in
            try await db.withClient { client in
                _ = try await PostgresMigrator().migrate(client: client, logger: TestDatabase.logger)
                let report = try await PostgresMigrator(migrations: LookoutSchema.migrations + [second])
                    .migrate(client: client, logger: TestDatabase.logger)
                #expect(report == MigrationReport(appliedVersions: [next], currentVersion: next))

                let error = try await #require(throws: MigrationError.self) {
                    try await PostgresMigrator(migrations: LookoutSchema.migrations + [third])
                        .migrate(client: client, logger: TestDatabase.logger)
                }
                #expect(error.code == .unknownMigration)
                #expect(error.message.hasPrefix("database has migration \(next) (second) which this lookout does not know"))
            }
        }
    }
}

extension PostgresClient {
    /// The first column of every row, as text.
    func strings(_ query: PostgresQuery) async throws -> [String] {
        var values: [String] = []
        for try await value in try await self.query(query, logger: TestDatabase.logger).decode(String.self) {
            values.append(value)
        }
        return values
    }

    /// Advisory locks held in the current database, by any session.
    func advisoryLockCount() async throws -> Int {
        try await self.scalar(
            """
            SELECT count(*)::bigint FROM pg_locks
            WHERE locktype = 'advisory' AND granted
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """,
            as: Int.self
        )
    }
}
