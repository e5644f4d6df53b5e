import LookoutCore
import LookoutStore
import LookoutTestSupport
import PostgresNIO
import Testing

/// Stream URLs at rest: sealed by the renewal store, opened by the MediaMTX sync's source,
/// re-sealed by `lookout secrets rotate`; a dump of the columns hands out no camera.
@Suite("Sealed stream URLs in PostgreSQL", .timeLimit(.minutes(1)))
struct StreamURLSealingTests {
    static func url(_ tag: String) -> String { "rtmp://rtmp.example.com:1935/v3/openlive/\(tag)?expire=1765000000&t=SIG-\(tag)" }
    static let current = try! StreamURLCipher(current: .init(setting: TestStreamURLKey.setting))
    static let rotated = try! StreamURLCipher(current: .init(setting: TestStreamURLKey.next), old: [.init(setting: TestStreamURLKey.setting)])

    static func camera(_ client: PostgresClient, _ path: String) async throws -> Int64 {
        try await client.scalar("INSERT INTO cameras (name, mediamtx_path) VALUES (\(path), \(path)) RETURNING id")
    }

    static func renew(_ store: PostgresRenewalStore, _ id: Int64, _ url: String) async throws {
        let renewal = try await store.begin(cameraID: id, attempt: 1, oldExpiresAt: nil, dueAt: unixMillis())
        try await store.succeeded(renewalID: renewal, cameraID: id, url: url, expiresAt: unixMillis() + 86_400_000, nextDueAt: unixMillis() + 60_000)
    }

    /// Every stored URL value, as `pg_dump` or a `SELECT` would show it.
    static func dump(_ client: PostgresClient) async throws -> [String] {
        var values: [String] = []
        let rows = try await client.query("SELECT stream_url, pending_stream_url FROM cameras ORDER BY id", logger: TestDatabase.logger)
        for try await (current, pending) in rows.decode((String?, String?).self) { values += [current, pending].compactMap { $0 } }
        return values
    }

    @Test func aRenewedURLIsStoredSealedAndTheSyncReadsItBack() async throws {
        try await TestDatabase.withMigrated { client in
            let store = PostgresRenewalStore(client: client, cipher: Self.current, logger: TestDatabase.logger)
            let paths = PostgresStreamPaths(client: client, cipher: Self.current, logger: TestDatabase.logger)
            let id = try await Self.camera(client, "cam-1")
            try await Self.renew(store, id, Self.url("one"))
            try await Self.renew(store, id, Self.url("two"))

            let dump = try await Self.dump(client)
            #expect(dump.count == 2)
            #expect(dump.allSatisfy { $0.hasPrefix("sealed:v1:test-1:") && !$0.contains("rtmp://") && !$0.contains("SIG-") }, "\(dump)")

            let desired = try await paths.desiredPaths()
            #expect(desired.map(\.source) == [Self.url("one")] && desired.map(\.pendingSource) == [Self.url("two")])
            #expect(try await paths.promote(name: "cam-1", source: Self.url("one")) == false, "not the pending URL: nothing moves")
            #expect(try await paths.promote(name: "cam-1", source: Self.url("two")))
            #expect(try await paths.desiredPaths().map(\.source) == [Self.url("two")])
            #expect(try await Self.dump(client).allSatisfy { !$0.contains("rtmp://") })
        }
    }

    @Test func withoutAKeyNothingIsStored() async throws {
        try await TestDatabase.withMigrated { client in
            let id = try await Self.camera(client, "cam-1")
            let error = await #expect(throws: StoreError.self) {
                try await Self.renew(PostgresRenewalStore(client: client, logger: TestDatabase.logger), id, Self.url("x"))
            }
            #expect(error?.message.contains("LOOKOUT_STREAM_URL_KEY") == true)
            #expect(try await Self.dump(client).isEmpty)
        }
    }

    @Test func aWrongKeyIsAClearErrorNamingTheCameraAndKeyNotTheURL() async throws {
        try await TestDatabase.withMigrated { client in
            let id = try await Self.camera(client, "cam-1")
            try await Self.renew(PostgresRenewalStore(client: client, cipher: Self.current, logger: TestDatabase.logger), id, Self.url("one"))
            let otherMaterial = try StreamURLCipher(current: .init(setting: "test-1:" + String(TestStreamURLKey.next.split(separator: ":")[1])))
            for cipher in [otherMaterial, try StreamURLCipher(current: .init(setting: TestStreamURLKey.next))] {
                let error = await #expect(throws: StoreError.self) {
                    try await PostgresStreamPaths(client: client, cipher: cipher, logger: TestDatabase.logger).desiredPaths()
                }
                #expect(error?.message.contains("camera \(id)") == true && error?.message.contains("'test-1'") == true, "\(error?.message ?? "")")
                #expect(error.map { "\($0)" }?.contains("rtmp") == false)
            }
        }
    }

    @Test func rotationSealsPlaintextAndOldKeyRowsUnderTheCurrentKeyOnce() async throws {
        try await TestDatabase.withMigrated { client in
            // Plaintext rows from before sealing, one row under the old key, one under the new key already.
            let legacy = try await Self.camera(client, "legacy")
            try await client.query(
                """
                UPDATE cameras SET stream_url = \(Self.url("legacy")), stream_expires_at = now() + interval '7 days',
                    pending_stream_url = \(Self.url("legacy-next")), pending_stream_expires_at = now() + interval '8 days'
                WHERE id = \(legacy)
                """, logger: TestDatabase.logger)
            let old = try await Self.camera(client, "old")
            try await Self.renew(PostgresRenewalStore(client: client, cipher: Self.current, logger: TestDatabase.logger), old, Self.url("old"))
            let new = try await Self.camera(client, "new")
            try await Self.renew(PostgresRenewalStore(client: client, cipher: Self.rotated, logger: TestDatabase.logger), new, Self.url("new"))
            #expect(try await Self.dump(client).contains { $0.contains("rtmp://") }, "the plaintext rows are there before")
            // Still readable before the rotation.
            #expect(try await PostgresStreamPaths(client: client, cipher: Self.rotated, logger: TestDatabase.logger).desiredPaths().count == 3)

            let rotation = PostgresStreamURLRotation(client: client, cipher: Self.rotated, logger: TestDatabase.logger)
            let first = try await rotation.run()
            #expect(first.resealed == 3 && first.wasPlaintext == 2 && first.alreadyCurrent == 1 && first.failures.isEmpty)
            let dump = try await Self.dump(client)
            #expect(dump.count == 4 && dump.allSatisfy { $0.hasPrefix("sealed:v1:test-2:") && !$0.contains("rtmp://") }, "\(dump)")

            let second = try await rotation.run()
            #expect(second.resealed == 0 && second.alreadyCurrent == 4, "idempotent")
            #expect(try await Self.dump(client) == dump, "a second run rewrites nothing")

            // The old key can go now: the new key alone opens every row.
            let newOnly = try StreamURLCipher(current: .init(setting: TestStreamURLKey.next))
            let desired = try await PostgresStreamPaths(client: client, cipher: newOnly, logger: TestDatabase.logger).desiredPaths()
            #expect(Dictionary(uniqueKeysWithValues: desired.map { ($0.name, $0.source) })
                == ["legacy": Self.url("legacy"), "old": Self.url("old"), "new": Self.url("new")])
            #expect(desired.first { $0.name == "legacy" }?.pendingSource == Self.url("legacy-next"))
        }
    }

    @Test func rotationReportsRowsItCannotOpenAndStillRotatesTheRest() async throws {
        try await TestDatabase.withMigrated { client in
            let lost = try await Self.camera(client, "lost")
            try await Self.renew(PostgresRenewalStore(client: client, cipher: Self.current, logger: TestDatabase.logger), lost, Self.url("lost"))
            let plain = try await Self.camera(client, "plain")
            try await client.query(
                "UPDATE cameras SET stream_url = \(Self.url("plain")), stream_expires_at = now() + interval '7 days' WHERE id = \(plain)",
                logger: TestDatabase.logger)
            let newOnly = try StreamURLCipher(current: .init(setting: TestStreamURLKey.next))
            let report = try await PostgresStreamURLRotation(client: client, cipher: newOnly, logger: TestDatabase.logger).run()
            #expect(report.resealed == 1 && report.failures.map(\.cameraID) == [lost])
            #expect(report.failures.first?.message.contains("'test-1', which is not configured") == true)
            #expect(try await Self.dump(client).allSatisfy { !$0.contains("rtmp://") })
        }
    }

    @Test(arguments: ["all", "all_others"])
    func mediamtxReservedNamesAreRefusedByTheSchema(name: String) async throws {
        try await TestDatabase.withMigrated { client in
            let error = await #expect(throws: (any Error).self) {
                try await client.query("INSERT INTO cameras (name, mediamtx_path) VALUES ('x', \(name))", logger: TestDatabase.logger)
            }
            #expect(error?.sqlState == "23514")
            _ = try await Self.camera(client, "site/\(name)")
        }
    }
}
