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

            #expect(try await client.scalar("SELECT count(*)::bigint FROM api_keys WHERE last_used_at IS NOT NULL", as: Int.self) == 0)
            #expect(try await repository.role(forKey: admin) == .admin)
            #expect(try await repository.role(forKey: viewer) == .viewer)
            #expect(try await repository.role(forKey: "lk_unknown") == nil)
            #expect(try await client.scalar("SELECT count(*)::bigint FROM api_keys WHERE last_used_at IS NOT NULL", as: Int.self) == 2)

            #expect(try await repository.revoke(key: viewer))
            #expect(try await repository.revoke(key: viewer) == false)
            #expect(try await repository.role(forKey: viewer) == nil)
            #expect(try await repository.role(forKey: admin) == .admin)
        }
    }
}
