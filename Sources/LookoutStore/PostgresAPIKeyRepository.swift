public import Logging
public import LookoutCore
public import PostgresNIO

/// API keys for the HTTP API and dashboards. A key is returned once, when created; only its
/// SHA-256 hex is stored, and a request's key is looked up by its hash. A key works until it is
/// revoked or its `expires_at` passes. Uses are recorded in `last_used_at` in batches
/// (``recordUse(ids:)``), not by the lookup.
public struct PostgresAPIKeyRepository: Sendable {
    public let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "lookout.store.api-keys")) {
        self.client = client
        self.logger = logger
    }

    /// Creates a key (`lk_…`) with `role` and returns it. `expiresAt`: Unix milliseconds, nil for never.
    public func create(role: APIKeyRole, name: String, expiresAt: Int64? = nil) async throws(StoreError) -> String {
        try await createKey(role: role, name: name, expiresAt: expiresAt).key
    }

    /// Creates a key and returns its record with the key itself (shown once).
    public func createKey(role: APIKeyRole, name: String, expiresAt: Int64? = nil) async throws(StoreError) -> (record: APIKeyRecord, key: String) {
        guard !name.isEmpty else { throw StoreError(.invalidArgument, field: "name", "name must not be empty") }
        let key = SecretHash.generate(prefix: "lk_")
        let keyHash = SecretHash.sha256Hex(key)
        let logger = self.logger
        let record = try await self.client.store("creating API key \(name)") { client in
            let rows = try await client.query(
                """
                INSERT INTO api_keys (name, key_hash, role, expires_at)
                VALUES (\(name), \(keyHash), \(role.rawValue), to_timestamp(\(expiresAt.map { Double($0) / 1000 })))
                RETURNING \(unescaped: APIKeyRecord.columns)
                """,
                logger: logger
            )
            for try await row in rows.decode(APIKeyRecord.Row.self) { return APIKeyRecord(row) }
            throw StoreError.database("creating API key \(name) returned no row")
        }
        logger.info("Created API key", metadata: ["lookout.api_key.id": "\(record.id)", "lookout.api_key.role": "\(role.rawValue)"])
        return (record, key)
    }

    /// The id and role of `key`, or nil when the key is unknown, revoked or expired.
    public func identity(forKey key: String) async throws(StoreError) -> APIKeyIdentity? {
        let keyHash = SecretHash.sha256Hex(key)
        let logger = self.logger
        return try await self.client.store("looking up an API key") { client in
            let rows = try await client.query(
                """
                SELECT id, role FROM api_keys
                WHERE key_hash = \(keyHash) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
                """,
                logger: logger
            )
            for try await (id, role) in rows.decode((Int64, String).self) {
                guard let role = APIKeyRole(rawValue: role) else { return nil }
                return APIKeyIdentity(id: id, role: role)
            }
            return nil
        }
    }

    /// The role of `key`, or nil when the key is unknown, revoked or expired.
    public func role(forKey key: String) async throws(StoreError) -> APIKeyRole? {
        try await identity(forKey: key)?.role
    }

    /// Every key, newest first, revoked and expired ones included (never the key itself).
    public func list() async throws(StoreError) -> [APIKeyRecord] {
        let logger = self.logger
        return try await self.client.store("listing API keys") { client in
            let rows = try await client.query(
                "SELECT \(unescaped: APIKeyRecord.columns) FROM api_keys ORDER BY id DESC", logger: logger)
            var records: [APIKeyRecord] = []
            for try await row in rows.decode(APIKeyRecord.Row.self) { records.append(APIKeyRecord(row)) }
            return records
        }
    }

    /// Whether the key with this id still works (not revoked, not expired): the revocation check
    /// of a playback credential, so revoking a viewer key stops new playback at once.
    public func isActive(id: Int64) async throws(StoreError) -> Bool {
        try await unusable(ids: [id]).isEmpty
    }

    /// The ids among `ids` that no longer work (revoked, expired or deleted).
    public func unusable(ids: [Int64]) async throws(StoreError) -> Set<Int64> {
        guard !ids.isEmpty else { return [] }
        let logger = self.logger
        return try await self.client.store("checking API keys") { client in
            let rows = try await client.query(
                """
                SELECT wanted.id FROM unnest(\(ids)::bigint[]) AS wanted(id)
                LEFT JOIN api_keys k ON k.id = wanted.id AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())
                WHERE k.id IS NULL
                """,
                logger: logger
            )
            var gone: Set<Int64> = []
            for try await id in rows.decode(Int64.self) { gone.insert(id) }
            return gone
        }
    }

    /// Writes `last_used_at = now()` for the keys used since the last batch: one statement.
    public func recordUse(ids: [Int64]) async throws(StoreError) {
        guard !ids.isEmpty else { return }
        let logger = self.logger
        try await self.client.store("recording API key use") { client in
            try await client.query("UPDATE api_keys SET last_used_at = now() WHERE id = ANY(\(ids)::bigint[])", logger: logger)
        }
    }

    /// Revokes `key`; returns false when it is unknown or was revoked already.
    public func revoke(key: String) async throws(StoreError) -> Bool {
        let keyHash = SecretHash.sha256Hex(key)
        let logger = self.logger
        let revoked = try await self.client.store("revoking an API key") { client in
            let rows = try await client.query(
                "UPDATE api_keys SET revoked_at = now() WHERE key_hash = \(keyHash) AND revoked_at IS NULL RETURNING id", logger: logger)
            var revoked = false
            for try await _ in rows.decode(Int64.self) { revoked = true }
            return revoked
        }
        if revoked { logger.info("Revoked an API key") }
        return revoked
    }

    /// Revokes the key with `id`; returns its record, nil when no key has this id. Revoking a
    /// revoked key keeps its first `revoked_at`.
    public func revoke(id: Int64) async throws(StoreError) -> APIKeyRecord? {
        let logger = self.logger
        let record: APIKeyRecord? = try await self.client.store("revoking an API key") { client in
            let rows = try await client.query(
                """
                UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = \(id)
                RETURNING \(unescaped: APIKeyRecord.columns)
                """,
                logger: logger
            )
            for try await row in rows.decode(APIKeyRecord.Row.self) { return APIKeyRecord(row) }
            return nil
        }
        if let record { logger.info("Revoked an API key", metadata: ["lookout.api_key.id": "\(record.id)"]) }
        return record
    }
}
