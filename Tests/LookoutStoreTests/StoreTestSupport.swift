import LookoutCore
import LookoutStore
import PostgresNIO

extension TestDatabase {
    /// Runs `body` with a client on a fresh database migrated to the latest schema.
    static func withMigrated<Result: Sendable>(_ body: (PostgresClient) async throws -> Result) async throws -> Result {
        try await Self.with { db in
            try await db.withClient { client in
                _ = try await PostgresMigrator().migrate(client: client, logger: Self.logger)
                return try await body(client)
            }
        }
    }
}

/// A presence event with a session id derived from hostname and version (one session per
/// connection, as a gateway makes them) unless one is given.
func presence(
    _ kind: PresenceEvent.Kind,
    _ hostname: String,
    v version: Int64,
    at: Int64 = 1_700_000_000_000,
    session: String? = nil,
    gateway: String = "gw-1",
    reason: String? = nil
) -> PresenceEvent {
    PresenceEvent(
        kind: kind, hostname: hostname, version: version, sessionID: session ?? "\(hostname)-s\(version)", gatewayID: gateway, at: at,
        reason: reason
    )
}

extension PostgresClient {
    /// Stored (version, status) of an NVR.
    func fence(_ hostname: String) async throws -> PresenceFence.Stored {
        let rows = try await self.query(
            "SELECT connection_version, status FROM nvrs WHERE hostname = \(hostname)", logger: TestDatabase.logger
        )
        for try await (version, status) in rows.decode((Int64, String).self) {
            return PresenceFence.Stored(version: version, status: DeviceStatus(rawValue: status) ?? .unknown)
        }
        throw ScalarQueryReturnedNoRows()
    }
}
