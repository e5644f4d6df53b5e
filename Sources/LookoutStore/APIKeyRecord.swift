public import LookoutCore

/// Who a working API key is: its id (dashboards remember it, so revoking closes them) and role.
public struct APIKeyIdentity: Sendable, Hashable {
    public let id: Int64
    public let role: APIKeyRole

    public init(id: Int64, role: APIKeyRole) {
        self.id = id
        self.role = role
    }
}

/// An API key as listed: everything but the key (only its hash is stored). Times in Unix ms.
public struct APIKeyRecord: Sendable, Hashable, Codable {
    public let id: Int64
    public let name: String
    public let role: APIKeyRole
    public let createdAt: Int64
    public let expiresAt: Int64?
    public let lastUsedAt: Int64?
    public let revokedAt: Int64?

    /// Whether the key works: not revoked, not expired at `now` (Unix ms).
    public func isActive(now: Int64) -> Bool { revokedAt == nil && (expiresAt.map { $0 > now } ?? true) }

    static let columns = """
        id, name, role, (extract(epoch FROM created_at) * 1000)::bigint, (extract(epoch FROM expires_at) * 1000)::bigint,
        (extract(epoch FROM last_used_at) * 1000)::bigint, (extract(epoch FROM revoked_at) * 1000)::bigint
        """

    typealias Row = (Int64, String, String, Int64, Int64?, Int64?, Int64?)

    init(_ row: Row) {
        id = row.0
        name = row.1
        role = APIKeyRole(rawValue: row.2) ?? .viewer
        createdAt = row.3
        expiresAt = row.4
        lastUsedAt = row.5
        revokedAt = row.6
    }
}
