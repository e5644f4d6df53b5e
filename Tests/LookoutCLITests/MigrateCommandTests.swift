import LookoutTestSupport
import Testing

/// `lookout migrate` as separate processes against the real test PostgreSQL.
@Suite struct MigrateCommandTests {
    @Test func migratesAFreshDatabaseThenDoesNothing() async throws {
        let database = try await ScratchDatabase.create()
        let first = try await ChildProcess.lookout(["migrate"], environment: ["LOOKOUT_DATABASE_URL": database.url])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("Applied migrations 1"))
        let tables = try await database.query("SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'public'")
        #expect(tables == "alert_deliveries,alert_events,alert_targets,alerts,api_keys,cameras,nvr_sessions,nvrs,renewals,schema_migrations")

        let second = try await ChildProcess.lookout(["migrate"], environment: ["LOOKOUT_DATABASE_URL": database.url])
        #expect(second.status == 0)
        #expect(second.stdout.hasPrefix("Schema is current"))
        try await database.drop()
    }

    @Test func twoProcessesMigratingAtOnceDoNotCollide() async throws {
        let database = try await ScratchDatabase.create()
        async let one = ChildProcess.lookout(["migrate"], environment: ["LOOKOUT_DATABASE_URL": database.url])
        async let two = ChildProcess.lookout(["migrate"], environment: ["LOOKOUT_DATABASE_URL": database.url])
        let results = try await [one, two]
        #expect(results.map(\.status) == [0, 0], "\(results.map(\.stderr))")
        // Exactly one of them applied the migrations; the other waited on the lock, then found nothing to do.
        #expect(results.filter { $0.stdout.hasPrefix("Applied") }.count == 1)
        #expect(try await database.query("SELECT count(*) = count(DISTINCT version) FROM schema_migrations") == "t")
        try await database.drop()
    }

    @Test func aNewerSchemaIsRefused() async throws {
        let database = try await ScratchDatabase.create()
        let first = try await ChildProcess.lookout(["migrate"], environment: ["LOOKOUT_DATABASE_URL": database.url])
        #expect(first.status == 0)
        _ = try await database.query("INSERT INTO schema_migrations (version, name, checksum) VALUES (999, 'from the future', 'x')")
        let refused = try await ChildProcess.lookout(["migrate"], environment: ["LOOKOUT_DATABASE_URL": database.url])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("999"))
        try await database.drop()
    }

    @Test func anUnreachableDatabaseFailsWithinTheTimeout() async throws {
        let port = try TestEnvironment.freePort()
        let result = try await ChildProcess.lookout(
            ["migrate", "--timeout", "3"], environment: ["LOOKOUT_DATABASE_URL": "postgres://postgres@127.0.0.1:\(port)/none"])
        #expect(result.status == 1)
        #expect(result.stderr.hasSuffix("lookout migrate: PostgreSQL did not answer within 3 s\n"))
    }
}
