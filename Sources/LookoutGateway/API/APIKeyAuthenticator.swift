import Logging
import LookoutStore
import Synchronization

/// Checks API keys for the HTTP API and dashboards, and remembers which keys were used so their
/// `last_used_at` is written in batches (``APIKeyWatch``) instead of on every request.
final class APIKeyAuthenticator: Sendable {
    let keys: PostgresAPIKeyRepository
    private let used = Mutex<Set<Int64>>([])

    init(keys: PostgresAPIKeyRepository) {
        self.keys = keys
    }

    /// The key's id and role, nil when it is unknown, revoked or expired.
    func identity(forKey key: String) async throws(StoreError) -> APIKeyIdentity? {
        guard let identity = try await keys.identity(forKey: key) else { return nil }
        _ = used.withLock { $0.insert(identity.id) }
        return identity
    }

    /// The keys used since the last call.
    func drainUsed() -> [Int64] {
        used.withLock { used in
            defer { used.removeAll(keepingCapacity: true) }
            return used.sorted()
        }
    }
}
