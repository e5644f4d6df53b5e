public import Logging
public import LookoutCore
public import PostgresNIO

/// NVR rows: registration, credentials for the gateway's auth, token rotation, and the states
/// dashboards see (``snapshot()``, ``states(ids:)``).
///
/// Tokens are returned once, when created or rotated; only their SHA-256 hex is stored.
public struct PostgresNVRRepository: Sendable {
    /// The client for this call: fixed, or the current one of a ``PostgresClientSupervisor``.
    public var client: PostgresClient { source() }
    private let source: @Sendable () -> PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "lookout.store.nvrs")) {
        self.source = { client }
        self.logger = logger
    }

    /// Uses the supervisor's current client for every call, so it follows a replaced pool.
    public init(supervisor: PostgresClientSupervisor, logger: Logger = Logger(label: "lookout.store.nvrs")) {
        self.source = { supervisor.client }
        self.logger = logger
    }

    /// Registers an NVR with `cameraCount` cameras, all in one transaction, and returns its state
    /// and its new token (`nvr_…`).
    ///
    /// Camera N is named `"<hostname> camera N"`, has Hik-Connect channel N, is enabled, and is
    /// published at MediaMTX path `<hostname>-cam-N` (the hostname reduced to `0-9 A-Z a-z _ -`,
    /// other characters become `_`).
    ///
    /// - Throws: ``StoreError`` `.duplicate` with field `hostname` when the hostname is taken (or
    ///   `mediamtx_path` when another hostname sanitises to the same paths), `.invalidArgument`
    ///   for an empty hostname or a negative camera count.
    public func create(
        hostname: String, name: String, cameraCount: Int, hostnameOnlyAuth: Bool = false
    ) async throws(StoreError) -> (nvr: NVRState, token: String) {
        let hostname = Hostname.normalized(hostname)
        guard !hostname.isEmpty else { throw StoreError(.invalidArgument, field: "hostname", "hostname must not be empty") }
        guard cameraCount >= 0 else { throw StoreError(.invalidArgument, field: "cameraCount", "camera count must not be negative") }
        let token = SecretHash.generate(prefix: "nvr_")
        let tokenHash = SecretHash.sha256Hex(token)
        let pathPrefix = MediaMTXPathName.sanitise(hostname) + "-cam-"
        let logger = self.logger
        let state = try await self.client.storeTransaction("creating NVR \(hostname)", logger: logger) { connection in
            let rows = try await connection.query(
                """
                INSERT INTO nvrs (hostname, name, token_hash, token_rotated_at, hostname_only_auth)
                VALUES (\(hostname), \(name), \(tokenHash), now(), \(hostnameOnlyAuth))
                RETURNING id
                """,
                logger: logger
            )
            var created: Int64?
            for try await id in rows.decode(Int64.self) { created = id }
            guard let id = created else { throw StoreError.database("creating NVR \(hostname) returned no id") }
            if cameraCount > 0 {
                try await connection.query(
                    """
                    INSERT INTO cameras (nvr_id, name, hik_channel_no, enabled, mediamtx_path)
                    SELECT \(id), \(hostname) || ' camera ' || n, n, true, \(pathPrefix) || n
                    FROM generate_series(1, \(cameraCount)) AS n
                    """,
                    logger: logger
                )
            }
            guard let state = try await NVRStateLoader.load(ids: [id], on: connection, logger: logger).first else {
                throw StoreError.database("NVR \(hostname) vanished after it was created")
            }
            return state
        }
        logger.info(
            "Registered NVR",
            metadata: ["lookout.nvr.id": "\(state.id)", "lookout.nvr.hostname": "\(hostname)", "lookout.nvr.hostname_only_auth": "\(hostnameOnlyAuth)"])
        return (state, token)
    }

    /// The NVR's id, token hash and connection version, or nil when no NVR has this hostname
    /// (compared case-sensitively).
    public func credentials(hostname: String) async throws(StoreError) -> NVRCredentials? {
        let hostname = Hostname.normalized(hostname)
        let logger = self.logger
        return try await self.client.store("reading credentials of \(hostname)") { client in
            let rows = try await client.query(
                "SELECT id, hostname, token_hash, connection_version, hostname_only_auth FROM nvrs WHERE hostname = \(hostname)",
                logger: logger
            )
            for try await (id, hostname, tokenHash, version, hostnameOnly) in rows.decode((Int64, String, String?, Int64, Bool).self) {
                return NVRCredentials(id: id, hostname: hostname, tokenHash: tokenHash, connectionVersion: version, hostnameOnlyAuth: hostnameOnly)
            }
            return nil
        }
    }

    /// Gives the NVR a new token and returns it; the old token stops working at once.
    ///
    /// - Throws: ``StoreError`` `.notFound` when no NVR has this id.
    public func rotateToken(id: Int64) async throws(StoreError) -> String {
        let token = SecretHash.generate(prefix: "nvr_")
        let tokenHash = SecretHash.sha256Hex(token)
        let logger = self.logger
        let found = try await self.client.store("rotating the token of NVR \(id)") { client in
            let rows = try await client.query(
                "UPDATE nvrs SET token_hash = \(tokenHash), token_rotated_at = now() WHERE id = \(id) RETURNING id",
                logger: logger
            )
            var found = false
            for try await _ in rows.decode(Int64.self) { found = true }
            return found
        }
        guard found else { throw StoreError.notFound("no NVR has id \(id)") }
        logger.info("Rotated NVR token", metadata: ["lookout.nvr.id": "\(id)"])
        return token
    }

    /// Every NVR ordered by hostname, each with its cameras ordered by id: two queries.
    ///
    /// The two queries are not one snapshot: a change committed between them can show in the
    /// cameras but not the NVR. Read the notification sequence before calling this; every
    /// change after that sequence arrives as a notification and replaces the NVR's state.
    public func snapshot() async throws(StoreError) -> [NVRState] {
        let logger = self.logger
        return try await self.client.store("reading the NVR snapshot") { client in
            try await client.withConnection { connection in
                try await NVRStateLoader.load(ids: nil, on: connection, logger: logger)
            }
        }
    }

    /// The NVRs with these ids (unknown ids are left out), in the same shape and order as
    /// ``snapshot()``: two queries.
    public func states(ids: [Int64]) async throws(StoreError) -> [NVRState] {
        guard !ids.isEmpty else { return [] }
        let logger = self.logger
        return try await self.client.store("reading NVR states") { client in
            try await client.withConnection { connection in
                try await NVRStateLoader.load(ids: ids, on: connection, logger: logger)
            }
        }
    }
}
