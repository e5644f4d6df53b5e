import Logging
public import LookoutCore
public import PostgresNIO

/// The renewal worker's reads and writes: targets, the renewal history, new URLs (kept next
/// to the old one until MediaMTX has swapped), failures and device-offline states.
///
/// New URLs are stored sealed (``StreamURLCipher``); without a cipher (the gateway, which only
/// schedules and reads states) ``succeeded(renewalID:cameraID:url:expiresAt:nextDueAt:)`` refuses.
public struct PostgresRenewalStore: Sendable {
    public let client: PostgresClient
    let cipher: StreamURLCipher?
    let logger: Logger

    public init(client: PostgresClient, cipher: StreamURLCipher? = nil, logger: Logger = Logger(label: "lookout.store.renewals")) {
        self.client = client
        self.cipher = cipher
        self.logger = logger
    }

    public func target(cameraID: Int64) async throws(StoreError) -> RenewalTarget? {
        let logger = logger
        return try await client.store("loading a renewal target") { client in
            let rows = try await client.query(
                """
                SELECT id, hik_resource_id, hik_device_serial, hik_channel_no, enabled,
                       (extract(epoch FROM stream_expires_at) * 1000)::bigint, renewal_attempts
                FROM cameras WHERE id = \(cameraID)
                """, logger: logger)
            for try await (id, resource, serial, channel, enabled, expires, attempts) in rows.decode(
                (Int64, String?, String?, Int?, Bool, Int64?, Int).self)
            {
                return RenewalTarget(
                    cameraID: id, resourceID: resource, deviceSerial: serial, channelNo: channel, enabled: enabled, streamExpiresAt: expires,
                    attempts: attempts)
            }
            return nil
        }
    }

    /// Marks the camera running and opens a history row; returns the row's id.
    public func begin(cameraID: Int64, attempt: Int, oldExpiresAt: Int64?, dueAt: Int64) async throws(StoreError) -> Int64 {
        let logger = logger
        return try await client.storeTransaction("starting a renewal", logger: logger) { connection in
            try await connection.query("UPDATE cameras SET renewal_state = 'running' WHERE id = \(cameraID)", logger: logger)
            let rows = try await connection.query(
                """
                INSERT INTO renewals (camera_id, attempt, old_expires_at, due_at)
                VALUES (\(cameraID), \(attempt), CASE WHEN \(oldExpiresAt)::bigint IS NULL THEN NULL ELSE to_timestamp(\(oldExpiresAt)::bigint / 1000.0) END,
                        to_timestamp(\(dueAt)::bigint / 1000.0))
                RETURNING id
                """, logger: logger)
            for try await id in rows.decode(Int64.self) { return id }
            throw StoreError.database("no renewal row returned")
        }
    }

    /// Stores the new URL, sealed: as the current one when the camera has none, else as pending
    /// (the MediaMTX sync swaps it in and promotes it). Schedules the next renewal in the row.
    public func succeeded(
        renewalID: Int64, cameraID: Int64, url plaintext: String, expiresAt: Int64, nextDueAt: Int64
    ) async throws(StoreError) {
        let logger = logger
        guard let cipher else { throw StoreError(.invalidArgument, field: "stream_url", "no stream URL key (LOOKOUT_STREAM_URL_KEY): a URL is never stored in plaintext") }
        let url: String
        do {
            url = try cipher.seal(plaintext, cameraID: cameraID)
        } catch {
            throw StoreError(.invalidArgument, field: "stream_url", error.message)
        }
        try await client.storeTransaction("storing a renewed stream URL", logger: logger) { connection in
            try await connection.query(
                """
                UPDATE cameras SET
                    stream_url = CASE WHEN stream_url IS NULL THEN \(url) ELSE stream_url END,
                    stream_expires_at = CASE WHEN stream_url IS NULL THEN to_timestamp(\(expiresAt)::bigint / 1000.0) ELSE stream_expires_at END,
                    pending_stream_url = CASE WHEN stream_url IS NULL THEN NULL ELSE \(url) END,
                    pending_stream_expires_at = CASE WHEN stream_url IS NULL THEN NULL ELSE to_timestamp(\(expiresAt)::bigint / 1000.0) END,
                    renewal_state = 'scheduled', renewal_due_at = to_timestamp(\(nextDueAt)::bigint / 1000.0),
                    renewal_attempts = 0, renewal_last_error = NULL,
                    status = CASE WHEN status_reason = 'device_offline' THEN 'unknown' ELSE status END,
                    status_reason = CASE WHEN status_reason = 'device_offline' THEN NULL ELSE status_reason END,
                    status_changed_at = CASE WHEN status_reason = 'device_offline' THEN now() ELSE status_changed_at END
                WHERE id = \(cameraID)
                """, logger: logger)
            try await connection.query(
                """
                UPDATE renewals SET finished_at = now(), outcome = 'renewed', new_expires_at = to_timestamp(\(expiresAt)::bigint / 1000.0)
                WHERE id = \(renewalID)
                """, logger: logger)
        }
    }

    /// Records a failed attempt. `nextDueAt` nil means it gave up (dead set): state `failed`.
    /// A device-offline answer also marks the camera offline with that reason.
    public func failed(
        renewalID: Int64, cameraID: Int64, error: String, deviceOffline: Bool, attempts: Int, nextDueAt: Int64?
    ) async throws(StoreError) {
        let logger = logger
        let outcome = deviceOffline ? "device_offline" : "failed"
        let state = nextDueAt == nil ? "failed" : "retrying"
        try await client.storeTransaction("recording a failed renewal", logger: logger) { connection in
            try await connection.query(
                """
                UPDATE cameras SET renewal_state = \(state), renewal_attempts = \(attempts), renewal_last_error = \(error),
                    renewal_due_at = CASE WHEN \(nextDueAt)::bigint IS NULL THEN renewal_due_at ELSE to_timestamp(\(nextDueAt)::bigint / 1000.0) END,
                    status = CASE WHEN \(deviceOffline) THEN 'offline' ELSE status END,
                    status_reason = CASE WHEN \(deviceOffline) THEN 'device_offline' ELSE status_reason END,
                    status_changed_at = CASE WHEN \(deviceOffline) AND status <> 'offline' THEN now() ELSE status_changed_at END
                WHERE id = \(cameraID)
                """, logger: logger)
            try await connection.query(
                "UPDATE renewals SET finished_at = now(), outcome = \(outcome), error = \(error) WHERE id = \(renewalID)", logger: logger)
        }
    }

    /// Every enabled camera with its due time (now when it never had one): the worker re-seeds
    /// the Redis queue from this, so a Redis that lost its data loses no job.
    public func schedule() async throws(StoreError) -> [(cameraID: Int64, dueAt: Int64?, state: String)] {
        let logger = logger
        return try await client.store("loading the renewal schedule") { client in
            var result: [(Int64, Int64?, String)] = []
            let rows = try await client.query(
                """
                SELECT id, (extract(epoch FROM renewal_due_at) * 1000)::bigint, renewal_state
                FROM cameras WHERE enabled AND hik_resource_id IS NOT NULL ORDER BY id
                """, logger: logger)
            for try await row in rows.decode((Int64, Int64?, String).self) { result.append(row) }
            return result
        }
    }

    /// For `/metrics`: the earliest expiry (Unix seconds) of a renewed camera's stream URL, nil
    /// when none has one; and how many such cameras are failing (renewal `retrying` or `failed`).
    public func expiryHealth() async throws(StoreError) -> (earliestExpiry: Double?, failing: Int) {
        let logger = logger
        return try await client.store("reading stream expiries") { client in
            let rows = try await client.query(
                """
                SELECT extract(epoch FROM min(stream_expires_at))::float8,
                       count(*) FILTER (WHERE renewal_state IN ('retrying', 'failed'))
                FROM cameras WHERE enabled AND hik_resource_id IS NOT NULL
                """, logger: logger)
            for try await (earliest, failing) in rows.decode((Double?, Int64).self) { return (earliest, Int(failing)) }
            return (nil, 0)
        }
    }

    /// Clears a failed state so a retried job runs afresh.
    public func resetFailure(cameraID: Int64, dueAt: Int64) async throws(StoreError) {
        let logger = logger
        try await client.store("resetting a failed renewal") { client in
            try await client.query(
                """
                UPDATE cameras SET renewal_state = 'scheduled', renewal_attempts = 0, renewal_due_at = to_timestamp(\(dueAt)::bigint / 1000.0)
                WHERE id = \(cameraID)
                """, logger: logger)
        }
    }

    /// Last errors of cameras whose renewal gave up.
    public func failures() async throws(StoreError) -> [(cameraID: Int64, attempts: Int, error: String?, failedAt: Int64?)] {
        let logger = logger
        return try await client.store("loading failed renewals") { client in
            var result: [(Int64, Int, String?, Int64?)] = []
            let rows = try await client.query(
                """
                SELECT c.id, c.renewal_attempts, c.renewal_last_error,
                       (SELECT (extract(epoch FROM max(r.finished_at)) * 1000)::bigint FROM renewals r WHERE r.camera_id = c.id)
                FROM cameras c WHERE c.renewal_state = 'failed' ORDER BY c.id
                """, logger: logger)
            for try await row in rows.decode((Int64, Int, String?, Int64?).self) { result.append(row) }
            return result
        }
    }
}

extension PostgresRenewalStore {
    /// For each id that exists: whether it can be renewed (enabled, with a Hik-Connect resource).
    public func renewable(ids: [Int64]) async throws(StoreError) -> [Int64: RenewalEligibility] {
        let logger = logger
        return try await client.store("checking cameras to renew") { client in
            var result: [Int64: RenewalEligibility] = [:]
            let rows = try await client.query(
                "SELECT id, enabled, hik_resource_id IS NOT NULL FROM cameras WHERE id = ANY(\(ids))", logger: logger)
            for try await (id, enabled, published) in rows.decode((Int64, Bool, Bool).self) {
                result[id] = !published ? .notHikConnect : enabled ? .renewable : .disabled
            }
            return result
        }
    }

    /// The database's clock (Unix ms): what `outcomes(cameraIDs:since:)` compares with.
    public func now() async throws(StoreError) -> Int64 {
        let logger = logger
        return try await client.store("reading the clock") { client in
            for try await now in try await client.query("SELECT floor(extract(epoch FROM now()) * 1000)::bigint", logger: logger).decode(Int64.self) {
                return now
            }
            throw StoreError.database("SELECT now() returned nothing")
        }
    }

    /// The first concluded renewal attempt (`renewed`, `failed`, `device_offline`) of each camera
    /// started at or after `since` (Unix ms), with its error; cameras still waiting are absent.
    /// A `cancelled` attempt (lease lost, shutdown) is not a conclusion: another worker retries.
    public func outcomes(cameraIDs: [Int64], since: Int64) async throws(StoreError) -> [Int64: (outcome: String, error: String?)] {
        let logger = logger
        return try await client.store("reading renewal outcomes") { client in
            var result: [Int64: (String, String?)] = [:]
            let rows = try await client.query(
                """
                SELECT DISTINCT ON (camera_id) camera_id, outcome, error FROM renewals
                WHERE camera_id = ANY(\(cameraIDs)) AND started_at >= to_timestamp(\(since)::bigint / 1000.0)
                  AND outcome IN ('renewed', 'failed', 'device_offline')
                ORDER BY camera_id, finished_at
                """, logger: logger)
            for try await (id, outcome, error) in rows.decode((Int64, String, String?).self) { result[id] = (outcome, error) }
            return result
        }
    }

    /// Closes a history row whose worker lost its lease (or was stopped): another worker does the renewal.
    public func abandoned(renewalID: Int64, reason: String = "lease lost") async throws(StoreError) {
        let logger = logger
        try await client.store("closing an abandoned renewal") { client in
            try await client.query(
                "UPDATE renewals SET finished_at = now(), outcome = 'cancelled', error = \(reason) WHERE id = \(renewalID)", logger: logger)
        }
    }
}

/// Whether a camera can be renewed, and if not, why.
public enum RenewalEligibility: String, Sendable {
    case renewable
    case disabled
    case notHikConnect = "not a Hik-Connect camera"
}
