import LookoutCore
import LookoutStore
import PostgresNIO
import Testing

@Suite("PostgresAPIKeyRepository against a real PostgreSQL", .timeLimit(.minutes(1)))
struct APIKeyRepositoryTests {
    @Test func keysResolveToTheirRoleUntilRevoked() async throws {
        try await TestDatabase.withMigrated { client in
            let repository = PostgresAPIKeyRepository(client: client, logger: TestDatabase.logger)
            let admin = try await repository.create(role: .admin, name: "ops")
            let viewer = try await repository.create(role: .viewer, name: "wall")
            #expect(admin.hasPrefix("lk_"))
            #expect(try await client.scalar("SELECT count(*)::bigint FROM api_keys WHERE key_hash = \(SecretHash.sha256Hex(admin))", as: Int.self) == 1)
            #expect(try await client.scalar("SELECT count(*)::bigint FROM api_keys WHERE key_hash = \(admin)", as: Int.self) == 0)

            #expect(try await repository.role(forKey: admin) == .admin)
            #expect(try await repository.role(forKey: viewer) == .viewer)
            #expect(try await repository.role(forKey: "lk_unknown") == nil)

            #expect(try await repository.revoke(key: viewer))
            #expect(try await repository.revoke(key: viewer) == false)
            #expect(try await repository.role(forKey: viewer) == nil)
            #expect(try await repository.role(forKey: admin) == .admin)
        }
    }

    @Test func expiryListingBatchedUseAndRevocationByID() async throws {
        try await TestDatabase.withMigrated { client in
            let repository = PostgresAPIKeyRepository(client: client, logger: TestDatabase.logger)
            let now = unixMillis()
            let (later, laterKey) = try await repository.createKey(role: .viewer, name: "wall", expiresAt: now + 3_600_000)
            let (soon, soonKey) = try await repository.createKey(role: .admin, name: "temp", expiresAt: now + 1_000)
            #expect(later.expiresAt.map { abs($0 - (now + 3_600_000)) < 2 } == true, "expiry kept to the millisecond")
            #expect(try await repository.identity(forKey: laterKey) == APIKeyIdentity(id: later.id, role: .viewer))
            #expect(try await repository.identity(forKey: soonKey)?.id == soon.id)
            // An expired key fails like an unknown one, and counts as unusable for open dashboards.
            try await client.query("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = \(soon.id)")
            #expect(try await repository.identity(forKey: soonKey) == nil)
            #expect(try await repository.unusable(ids: [later.id, soon.id, 999_999]) == [soon.id, 999_999])

            // A lookup writes nothing; a batch writes last_used_at for the keys it names.
            #expect(try await client.scalar("SELECT count(*)::bigint FROM api_keys WHERE last_used_at IS NOT NULL", as: Int.self) == 0)
            try await repository.recordUse(ids: [later.id])
            let listed = try await repository.list()
            #expect(listed.map(\.id) == [soon.id, later.id], "newest first")
            #expect(listed.first { $0.id == later.id }?.lastUsedAt != nil)
            #expect(listed.first { $0.id == soon.id }?.lastUsedAt == nil)
            #expect(listed.first { $0.id == soon.id }?.isActive(now: unixMillis()) == false)

            // Revoking by id keeps the first revocation time, and is nil for an unknown id.
            let revoked = try #require(try await repository.revoke(id: later.id))
            #expect(revoked.revokedAt != nil)
            #expect(try await repository.revoke(id: later.id)?.revokedAt == revoked.revokedAt)
            #expect(try await repository.revoke(id: 999_999) == nil)
            #expect(try await repository.identity(forKey: laterKey) == nil)
            await #expect(throws: StoreError.self) { try await repository.createKey(role: .viewer, name: "") }
        }
    }
}
