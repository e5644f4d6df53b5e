import LookoutCore
import LookoutStore
import PostgresNIO
import Testing

/// The constraints of schema v1 hold against a real PostgreSQL.
@Suite("Schema v1 constraints", .timeLimit(.minutes(1)))
struct SchemaConstraintTests {
    static let uniqueViolation = "23505"
    static let checkViolation = "23514"
    static let tokenHash = String(repeating: "ab", count: 32)

    /// Runs `body` with a client on a fresh, migrated database.
    private func withMigratedDatabase(_ body: (PostgresClient) async throws -> Void) async throws {
        try await TestDatabase.with { db in
            try await db.withClient { client in
                _ = try await PostgresMigrator().migrate(client: client, logger: TestDatabase.logger)
                try await body(client)
            }
        }
    }

    /// Expects `query` to fail with the given SQLSTATE.
    private func expectViolation(
        _ state: String,
        _ client: PostgresClient,
        _ query: PostgresQuery,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        let error = await #expect(throws: (any Error).self, "expected SQLSTATE \(state) from: \(query.sql)", sourceLocation: sourceLocation) {
            try await client.query(query, logger: TestDatabase.logger)
        }
        #expect(error?.sqlState == state, "\(query.sql) failed with \(String(describing: error))", sourceLocation: sourceLocation)
    }

    @Test func hostnameIsUniqueAndCaseSensitive() async throws {
        try await self.withMigratedDatabase { client in
            try await client.query("INSERT INTO nvrs (hostname, name) VALUES ('nvr-1', 'Gate')")
            await self.expectViolation(Self.uniqueViolation, client, "INSERT INTO nvrs (hostname) VALUES ('nvr-1')")
            try await client.query("INSERT INTO nvrs (hostname) VALUES ('NVR-1')")
            #expect(try await client.scalar("SELECT count(*)::bigint FROM nvrs", as: Int.self) == 2)
        }
    }

    @Test func mediamtxPathMustBeAValidPathName() async throws {
        try await self.withMigratedDatabase { client in
            for path in ["cam 1", "/cam", "cam/", "a//b", "a/../b", "./a", "..", "cam:1", "~^cam$", ""] {
                await self.expectViolation(Self.checkViolation, client, "INSERT INTO cameras (mediamtx_path) VALUES (\(path))")
            }
            for path in ["cam1", "nvr-1/cam_01.main", "site.a/nvr/1"] {
                try await client.query("INSERT INTO cameras (mediamtx_path) VALUES (\(path))")
            }
            await self.expectViolation(Self.uniqueViolation, client, "INSERT INTO cameras (mediamtx_path) VALUES ('cam1')")
        }
    }

    @Test func enumeratedColumnsRejectUnknownValues() async throws {
        try await self.withMigratedDatabase { client in
            await self.expectViolation(Self.checkViolation, client, "INSERT INTO nvrs (hostname, status) VALUES ('a', 'busy')")
            await self.expectViolation(Self.checkViolation, client, "INSERT INTO cameras (status) VALUES ('busy')")
            await self.expectViolation(Self.checkViolation, client, "INSERT INTO cameras (renewal_state) VALUES ('paused')")
            await self.expectViolation(
                Self.checkViolation,
                client,
                "INSERT INTO api_keys (name, key_hash, role) VALUES ('k', \(Self.tokenHash), 'root')"
            )
        }
    }

    @Test func checkConstraintsAcceptEveryValueOfTheCoreEnums() async throws {
        // A failure here means LookoutCore gained a case: add a migration that widens the CHECK.
        try await self.withMigratedDatabase { client in
            for status in DeviceStatus.allCases {
                try await client.query("INSERT INTO nvrs (hostname, status) VALUES (\(status.rawValue), \(status.rawValue))")
                try await client.query("INSERT INTO cameras (status) VALUES (\(status.rawValue))")
            }
            for state in RenewalState.allCases {
                try await client.query(
                    "INSERT INTO cameras (renewal_state, renewal_due_at) VALUES (\(state.rawValue), now())"
                )
            }
        }
    }

    @Test func secretsAreStoredOnlyAsSHA256Hex() async throws {
        try await self.withMigratedDatabase { client in
            await self.expectViolation(Self.checkViolation, client, "INSERT INTO nvrs (hostname, token_hash) VALUES ('a', 'plain-token')")
            await self.expectViolation(
                Self.checkViolation,
                client,
                "INSERT INTO api_keys (name, key_hash, role) VALUES ('k', 'plain-key', 'viewer')"
            )
            try await client.query("INSERT INTO nvrs (hostname, token_hash) VALUES ('a', \(Self.tokenHash))")
            try await client.query("INSERT INTO api_keys (name, key_hash, role) VALUES ('k', \(Self.tokenHash), 'admin')")
            await self.expectViolation(
                Self.uniqueViolation,
                client,
                "INSERT INTO api_keys (name, key_hash, role) VALUES ('k2', \(Self.tokenHash), 'viewer')"
            )
        }
    }

    @Test func streamURLsComeWithTheirExpiry() async throws {
        try await self.withMigratedDatabase { client in
            await self.expectViolation(Self.checkViolation, client, "INSERT INTO cameras (stream_url) VALUES ('rtmp://h/a')")
            await self.expectViolation(Self.checkViolation, client, "INSERT INTO cameras (pending_stream_url) VALUES ('rtmp://h/b')")
            await self.expectViolation(Self.checkViolation, client, "INSERT INTO cameras (renewal_state) VALUES ('scheduled')")
            try await client.query(
                """
                INSERT INTO cameras (stream_url, stream_expires_at, renewal_state, renewal_due_at)
                VALUES ('rtmp://h/a', now() + interval '7 days', 'scheduled', now() + interval '5 days')
                """
            )
        }
    }

    @Test func deletingAnNVRKeepsItsCamerasAndDropsItsSessions() async throws {
        try await self.withMigratedDatabase { client in
            let nvr = try await client.scalar("INSERT INTO nvrs (hostname) VALUES ('nvr-1') RETURNING id", as: Int.self)
            try await client.query("INSERT INTO cameras (nvr_id, mediamtx_path) VALUES (\(nvr), 'cam1')")
            try await client.query(
                "INSERT INTO nvr_sessions (nvr_id, session_id, connection_version, gateway_id) VALUES (\(nvr), 's1', 1, 'g1')"
            )
            await self.expectViolation(
                Self.uniqueViolation,
                client,
                "INSERT INTO nvr_sessions (nvr_id, session_id, connection_version, gateway_id) VALUES (\(nvr), 's1', 2, 'g1')"
            )
            try await client.query("DELETE FROM nvrs WHERE id = \(nvr)")
            #expect(try await client.scalar("SELECT nvr_id IS NULL FROM cameras WHERE mediamtx_path = 'cam1'", as: Bool.self))
            #expect(try await client.scalar("SELECT count(*)::bigint FROM nvr_sessions", as: Int.self) == 0)
        }
    }

    @Test func updatesTouchUpdatedAt() async throws {
        try await self.withMigratedDatabase { client in
            try await client.query(
                "INSERT INTO nvrs (hostname, created_at, updated_at) VALUES ('a', now() - interval '1 hour', now() - interval '1 hour')"
            )
            try await client.query("UPDATE nvrs SET status = 'online' WHERE hostname = 'a'")
            #expect(try await client.scalar("SELECT updated_at > created_at + interval '30 minutes' FROM nvrs", as: Bool.self))
        }
    }
}
