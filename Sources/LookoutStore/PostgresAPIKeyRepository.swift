public import Logging
public import LookoutCore
public import PostgresNIO

/// API keys for the HTTP API and dashboards. A key is returned once, when created; only its
/// SHA-256 hex is stored, and a request's key is looked up by its hash.
public struct PostgresAPIKeyRepository: Sendable {
    public let client: PostgresClient
    let logger: Logger

    /// How stale `last_used_at` may get before a lookup writes it again: one write per key per
    /// minute instead of one per request.
    static let lastUsedResolutionSeconds = 60

    public init(client: PostgresClient, logger: Logger = Logger(label: "lookout.store.api-keys")) {
        self.client = client
        self.logger = logger
    }

    /// Creates a key (`lk_…`) with `role` and returns it.
    public func create(role: APIKeyRole, name: String) async throws(StoreError) -> String {
        let key = SecretHash.generate(prefix: "lk_")
        let keyHash = SecretHash.sha256Hex(key)
        let logger = self.logger
        try await self.client.store("creating API key \(name)") { client in
            try await client.query(
                "INSERT INTO api_keys (name, key_hash, role) VALUES (\(name), \(keyHash), \(role.rawValue))",
                logger: logger
            )
        }
        logger.info("Created API key", metadata: ["lookout.api_key.name": "\(name)", "lookout.api_key.role": "\(role.rawValue)"])
        return key
    }

    /// The role of `key`, or nil when the key is unknown or revoked. Records the use in
    /// `last_used_at` (at most once a minute per key), in the same statement.
    public func role(forKey key: String) async throws(StoreError) -> APIKeyRole? {
        let keyHash = SecretHash.sha256Hex(key)
        let logger = self.logger
        let role = try await self.client.store("looking up an API key") { client in
            let rows = try await client.query(
                """
                WITH key AS (
                    SELECT id, role, last_used_at FROM api_keys WHERE key_hash = \(keyHash) AND revoked_at IS NULL
                ), touched AS (
                    UPDATE api_keys SET last_used_at = now()
                    FROM key
                    WHERE api_keys.id = key.id
                      AND (key.last_used_at IS NULL OR key.last_used_at < now() - make_interval(secs => \(Self.lastUsedResolutionSeconds)))
                )
                SELECT role FROM key
                """,
                logger: logger
            )
            var role: String?
            for try await value in rows.decode(String.self) { role = value }
            return role
        }
        return role.flatMap(APIKeyRole.init(rawValue:))
    }

    /// Revokes `key`; returns false when it is unknown or was revoked already.
    public func revoke(key: String) async throws(StoreError) -> Bool {
        let keyHash = SecretHash.sha256Hex(key)
        let logger = self.logger
        let revoked = try await self.client.store("revoking an API key") { client in
            let rows = try await client.query(
                "UPDATE api_keys SET revoked_at = now() WHERE key_hash = \(keyHash) AND revoked_at IS NULL RETURNING id",
                logger: logger
            )
            var revoked = false
            for try await _ in rows.decode(Int64.self) { revoked = true }
            return revoked
        }
        if revoked { logger.info("Revoked an API key") }
        return revoked
    }
}
