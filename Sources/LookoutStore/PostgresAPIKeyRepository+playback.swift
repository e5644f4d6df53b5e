import LookoutCore
import PostgresNIO

extension PostgresAPIKeyRepository {
    /// The id of `key` when it is known and not revoked: the subject a playback credential is
    /// issued to.
    public func activeID(forKey key: String) async throws(StoreError) -> Int64? {
        let keyHash = SecretHash.sha256Hex(key)
        let logger = self.logger
        return try await self.client.store("looking up an API key's id") { client in
            let rows = try await client.query("SELECT id FROM api_keys WHERE key_hash = \(keyHash) AND revoked_at IS NULL", logger: logger)
            var id: Int64?
            for try await value in rows.decode(Int64.self) { id = value }
            return id
        }
    }

    /// Whether the key with this id still exists and is not revoked: the revocation check of a
    /// playback credential, so revoking a viewer key stops new playback at once.
    public func isActive(id: Int64) async throws(StoreError) -> Bool {
        let logger = self.logger
        return try await self.client.store("checking an API key") { client in
            let rows = try await client.query("SELECT 1 FROM api_keys WHERE id = \(id) AND revoked_at IS NULL", logger: logger)
            var found = false
            for try await _ in rows.decode(Int.self) { found = true }
            return found
        }
    }
}
