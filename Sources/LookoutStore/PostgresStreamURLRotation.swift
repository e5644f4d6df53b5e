public import Logging
public import LookoutCore
public import PostgresNIO

/// `lookout secrets rotate`: re-seals every stored stream URL (`cameras.stream_url`,
/// `pending_stream_url`) under the cipher's current key: plaintext rows from before sealing,
/// and rows sealed with an old key. Idempotent: a value already sealed with the current key is
/// left alone, so a second run (or a run after a crash) rewrites nothing it did already.
///
/// One short transaction per camera (`SELECT … FOR UPDATE`, then `UPDATE`), so a renewal or a
/// promotion running at the same time waits for one row at most and is never overwritten with a
/// stale value. A row that does not open (its key is not configured) is reported and left as it
/// is; the others are still rotated.
public struct PostgresStreamURLRotation: Sendable {
    /// What a run did.
    public struct Report: Sendable {
        /// A camera whose values do not open with the configured keys.
        public struct Failure: Sendable, Hashable {
            public var cameraID: Int64
            /// Names the camera and the key id; never a URL.
            public var message: String
        }

        /// Values re-sealed under the current key (plaintext or an old key before).
        public var resealed = 0
        /// Of those, values that were plaintext.
        public var wasPlaintext = 0
        /// Values already sealed with the current key.
        public var alreadyCurrent = 0
        /// Cameras whose values do not open with the configured keys.
        public var failures: [Failure] = []
    }

    public let client: PostgresClient
    let cipher: StreamURLCipher
    let logger: Logger

    public init(client: PostgresClient, cipher: StreamURLCipher, logger: Logger = Logger(label: "lookout.store.rotation")) {
        self.client = client
        self.cipher = cipher
        self.logger = logger
    }

    /// Re-seals every stored URL not sealed with the current key.
    public func run() async throws(StoreError) -> Report {
        let logger = logger
        // Rows whose values are all under the current key are counted, not visited: a rerun reads once.
        let prefix = "sealed:v1:\(cipher.current.id):"
        let rows = try await client.store("listing cameras with stream URLs") { client in
            var rows: [(id: Int64, currentValues: Int, done: Bool)] = []
            let result = try await client.query(
                """
                SELECT id,
                       (left(stream_url, length(\(prefix))) = \(prefix))::int + coalesce((left(pending_stream_url, length(\(prefix))) = \(prefix))::int, 0),
                       left(stream_url, length(\(prefix))) = \(prefix)
                           AND (pending_stream_url IS NULL OR left(pending_stream_url, length(\(prefix))) = \(prefix))
                FROM cameras WHERE stream_url IS NOT NULL OR pending_stream_url IS NOT NULL ORDER BY id
                """, logger: logger)
            for try await (id, current, done) in result.decode((Int64, Int?, Bool?).self) { rows.append((id, current ?? 0, done ?? false)) }
            return rows
        }
        var report = Report()
        for row in rows {
            guard !row.done else {
                report.alreadyCurrent += row.currentValues
                continue
            }
            do throws(StoreError) {
                try await rotate(cameraID: row.id, into: &report)
            } catch where error.code == .invalidArgument {
                report.failures.append(.init(cameraID: row.id, message: error.message))
            }
        }
        return report
    }

    /// Re-seals one camera's values in one transaction.
    func rotate(cameraID: Int64, into report: inout Report) async throws(StoreError) {
        let logger = logger
        let cipher = cipher
        let change = try await client.storeTransaction("re-sealing the stream URLs of camera \(cameraID)", logger: logger) { connection in
            let rows = try await connection.query(
                "SELECT stream_url, pending_stream_url FROM cameras WHERE id = \(cameraID) FOR UPDATE", logger: logger)
            var stored: (String?, String?) = (nil, nil)
            for try await row in rows.decode((String?, String?).self) { stored = row }
            var change = Change()
            let current = try change.reseal(stored.0, cipher: cipher, cameraID: cameraID)
            let pending = try change.reseal(stored.1, cipher: cipher, cameraID: cameraID)
            if change.resealed > 0 {
                try await connection.query(
                    "UPDATE cameras SET stream_url = \(current), pending_stream_url = \(pending) WHERE id = \(cameraID)", logger: logger)
            }
            return change
        }
        report.resealed += change.resealed
        report.wasPlaintext += change.wasPlaintext
        report.alreadyCurrent += change.alreadyCurrent
    }

    /// One camera's counts.
    struct Change: Sendable {
        var resealed = 0
        var wasPlaintext = 0
        var alreadyCurrent = 0

        /// `stored` under the current key (unchanged when it is already, nil stays nil).
        mutating func reseal(_ stored: String?, cipher: StreamURLCipher, cameraID: Int64) throws(StoreError) -> String? {
            guard let stored else { return nil }
            do {
                guard let sealed = try cipher.resealed(stored, cameraID: cameraID) else {
                    alreadyCurrent += 1
                    return stored
                }
                resealed += 1
                if !StreamURLCipher.isSealed(stored) { wasPlaintext += 1 }
                return sealed
            } catch {
                throw StoreError(.invalidArgument, field: "stream_url", error.message)
            }
        }
    }
}
