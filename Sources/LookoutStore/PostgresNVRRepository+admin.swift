public import LookoutCore
import PostgresNIO

/// NVR management for the HTTP API: list a page, rename, delete.
extension PostgresNVRRepository {
    /// One page of NVRs ordered by hostname (with their cameras), and how many match in all.
    public func list(status: DeviceStatus?, offset: Int, limit: Int) async throws(StoreError) -> (nvrs: [NVRState], total: Int) {
        let logger = self.logger
        let status = status?.rawValue
        return try await client.store("listing NVRs") { client in
            try await client.withConnection { connection in
                let countRows = try await connection.query(
                    "SELECT count(*) FROM nvrs WHERE \(status)::text IS NULL OR status = \(status)", logger: logger)
                var total = 0
                for try await count in countRows.decode(Int64.self) { total = Int(count) }
                let idRows = try await connection.query(
                    """
                    SELECT id FROM nvrs WHERE \(status)::text IS NULL OR status = \(status)
                    ORDER BY hostname LIMIT \(limit) OFFSET \(offset)
                    """,
                    logger: logger)
                var ids: [Int64] = []
                for try await id in idRows.decode(Int64.self) { ids.append(id) }
                guard !ids.isEmpty else { return ([], total) }
                return (try await NVRStateLoader.load(ids: ids, on: connection, logger: logger), total)
            }
        }
    }

    /// Changes the hostname and/or name (nil leaves it) and returns the NVR's state with the
    /// hostname it had before.
    ///
    /// - Throws: ``StoreError`` `.notFound`, `.duplicate` (field `hostname`), `.invalidArgument`
    ///   for an empty hostname.
    public func update(
        id: Int64, hostname: String?, name: String?, hostnameOnlyAuth: Bool? = nil
    ) async throws(StoreError) -> (nvr: NVRState, previousHostname: String) {
        let hostname = hostname.map(Hostname.normalized)
        if let hostname, hostname.isEmpty { throw StoreError(.invalidArgument, field: "hostname", "hostname must not be empty") }
        let logger = self.logger
        let result: (NVRState, String)? = try await client.storeTransaction("updating NVR \(id)", logger: logger) { connection in
            let rows = try await connection.query(
                """
                WITH old AS (SELECT id AS old_id, hostname AS previous_hostname FROM nvrs WHERE id = \(id) FOR UPDATE)
                UPDATE nvrs SET hostname = coalesce(\(hostname), nvrs.hostname), name = coalesce(\(name), nvrs.name),
                    hostname_only_auth = coalesce(\(hostnameOnlyAuth), nvrs.hostname_only_auth)
                FROM old WHERE nvrs.id = old.old_id
                RETURNING old.previous_hostname
                """,
                logger: logger)
            var previous: String?
            for try await value in rows.decode(String.self) { previous = value }
            guard let previous, let state = try await NVRStateLoader.load(ids: [id], on: connection, logger: logger).first else { return nil }
            return (state, previous)
        }
        guard let (state, previous) = result else { throw StoreError.notFound("no NVR has id \(id)") }
        logger.info("Updated NVR", metadata: ["lookout.nvr.id": "\(id)", "lookout.nvr.hostname": "\(state.hostname)"])
        return (state, previous)
    }

    /// Deletes the NVR and its session history; its cameras stay, unattached. Returns the
    /// hostname it had, whose connection (if any) must now be closed.
    ///
    /// - Throws: ``StoreError`` `.notFound` when no NVR has this id.
    public func delete(id: Int64) async throws(StoreError) -> String {
        let logger = self.logger
        let hostname: String? = try await client.store("deleting NVR \(id)") { client in
            let rows = try await client.query("DELETE FROM nvrs WHERE id = \(id) RETURNING hostname", logger: logger)
            for try await hostname in rows.decode(String.self) { return hostname }
            return nil
        }
        guard let hostname else { throw StoreError.notFound("no NVR has id \(id)") }
        logger.info("Deleted NVR", metadata: ["lookout.nvr.id": "\(id)", "lookout.nvr.hostname": "\(hostname)"])
        return hostname
    }

    /// The hostname of the NVR with this id, or nil.
    public func hostname(id: Int64) async throws(StoreError) -> String? {
        let logger = self.logger
        return try await client.store("reading NVR \(id)") { client in
            let rows = try await client.query("SELECT hostname FROM nvrs WHERE id = \(id)", logger: logger)
            for try await hostname in rows.decode(String.self) { return hostname }
            return nil
        }
    }
}
