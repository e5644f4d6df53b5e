public import Logging
public import PostgresNIO

/// An NVR's connection history from `nvr_sessions`: its recent sessions and its uptime over a
/// window (index `nvr_sessions_nvr_id_connected_at_idx`).
public struct PostgresSessionHistory: Sendable {
    public let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "lookout.store.sessions")) {
        self.client = client
        self.logger = logger
    }

    /// The sessions that overlap the last `hours` (newest first, at most `limit`) and the uptime
    /// over that window, ending at the database's `now()`.
    ///
    /// - Throws: ``StoreError`` `.notFound` when no NVR has this id.
    public func history(nvrID: Int64, hours: Int, limit: Int) async throws(StoreError) -> (sessions: [NVRSessionRecord], uptime: NVRUptime) {
        let logger = self.logger
        let result: ([NVRSessionRecord], NVRUptime)? = try await client.store("reading the sessions of NVR \(nvrID)") { client in
            try await client.withConnection { connection in
                let windowRows = try await connection.query(
                    """
                    SELECT floor(extract(epoch FROM now() - make_interval(hours => \(hours)::int)) * 1000)::bigint,
                        floor(extract(epoch FROM now()) * 1000)::bigint,
                        EXISTS (SELECT 1 FROM nvrs WHERE id = \(nvrID))
                    """,
                    logger: logger)
                var window: (Int64, Int64, Bool)?
                for try await row in windowRows.decode((Int64, Int64, Bool).self) { window = row }
                guard let (from, to, exists) = window, exists else { return nil }
                let rows = try await connection.query(
                    """
                    SELECT session_id, connection_version, gateway_id,
                        floor(extract(epoch FROM connected_at) * 1000)::bigint,
                        floor(extract(epoch FROM disconnected_at) * 1000)::bigint,
                        disconnect_reason
                    FROM nvr_sessions
                    WHERE nvr_id = \(nvrID) AND (disconnected_at IS NULL OR disconnected_at > to_timestamp(\(Double(from) / 1000)))
                    ORDER BY connected_at DESC
                    """,
                    logger: logger)
                var sessions: [NVRSessionRecord] = []
                var intervals: [(start: Int64, end: Int64?)] = []
                for try await (session, version, gateway, connected, disconnected, reason) in rows.decode(
                    (String, Int64, String, Int64, Int64?, String?).self)
                {
                    intervals.append((connected, disconnected))
                    if sessions.count < limit {
                        sessions.append(
                            NVRSessionRecord(
                                sessionId: session, connectionVersion: version, gateway: gateway, connectedAt: connected,
                                disconnectedAt: disconnected, disconnectReason: reason))
                    }
                }
                return (sessions, NVRUptime(from: from, to: to, sessions: intervals))
            }
        }
        guard let (sessions, uptime) = result else { throw StoreError.notFound("no NVR has id \(nvrID)") }
        return (sessions, uptime)
    }
}
