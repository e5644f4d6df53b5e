public import LookoutCore
public import LookoutRedis

/// The presence dead-letter stream (`presence:dead`): what the presence worker writes there, and
/// listing and replay for `lookout dead` and `/api/dead`.
///
/// A dead letter keeps the original entry's fields as they were and adds three: `original_id`,
/// `error` and `attempts` (`deliveries` in letters written before issue 12). Replay appends the
/// original fields to the presence stream as a new entry and deletes the dead letter, in one
/// Lua call (so two replays of one letter append it once). Replaying a stale event is harmless:
/// the worker's fence ignores an event older than the NVR's stored version.
public struct PresenceDeadLetters: Sendable {
    let redis: RedisClient
    let keys: RedisKeys

    public init(redis: RedisClient, keys: RedisKeys) {
        self.redis = redis
        self.keys = keys
    }

    static let addedFields: Set<String> = ["original_id", "error", "attempts", "deliveries"]
    /// The gateway's safety cap on the presence stream.
    static let presenceMaxLength = 1_000_000

    /// The dead letter's fields for `entry`: its own (sorted), then why and after how many tries.
    public static func fields(of entry: RedisStreamEntry, error: String, attempts: Int) -> [(String, String)] {
        entry.fields.filter { !addedFields.contains($0.key) }.sorted { $0.key < $1.key }
            + [("original_id", entry.id), ("error", error), ("attempts", String(attempts))]
    }

    /// The dead letters, oldest first, at most `limit`.
    public func list(limit: Int = 1000) async throws(RedisError) -> [PresenceDeadLetter] {
        try await redis.xrange(keys.presenceDeadLetters, count: limit).map(PresenceDeadLetter.init)
    }

    /// Replays these dead letters (ids of the dead-letter stream). Every id is checked before
    /// any is replayed: a malformed id, an unknown one, or a letter whose fields are not a
    /// presence event (it would only be dead-lettered again) fails the whole call.
    public func replay(ids: [String]) async throws -> Int {
        guard !ids.isEmpty else { throw DeadLetterError(.invalidArgument, "no dead letter ids given") }
        let invalid = ids.filter { !Self.isStreamID($0) }
        guard invalid.isEmpty else {
            throw DeadLetterError(.invalidArgument, "not a stream id (like 1700000000000-0): \(invalid.prefix(5).joined(separator: ", "))", ids: invalid)
        }
        var letters: [PresenceDeadLetter] = []
        var unknown: [String] = []
        for id in Array(Set(ids)).sorted(by: Self.streamOrder) {
            guard let entry = try await redis.xrange(keys.presenceDeadLetters, start: id, end: id).first else {
                unknown.append(id)
                continue
            }
            letters.append(PresenceDeadLetter(entry))
        }
        guard unknown.isEmpty else {
            throw DeadLetterError(.notFound, "no presence dead letter with id \(unknown.prefix(5).joined(separator: ", "))", ids: unknown)
        }
        let broken = letters.filter { $0.event == nil }
        guard broken.isEmpty else {
            throw DeadLetterError(
                .notReplayable, "dead letter \(broken[0].id) is not a presence event (\(broken[0].error)); replaying it would dead-letter it again",
                ids: broken.map(\.id))
        }
        var replayed = 0
        for letter in letters { if try await replay(letter) { replayed += 1 } }
        return replayed
    }

    /// Replays every dead letter that is a presence event; returns how many, and the ids of
    /// those left because they are not.
    public func replayAll() async throws -> (replayed: Int, skipped: [String]) {
        var replayed = 0
        var skipped: [String] = []
        var start = "-"
        while true {
            let page = try await redis.xrange(keys.presenceDeadLetters, start: start, count: 500).map(PresenceDeadLetter.init)
            for letter in page {
                if letter.event == nil {
                    skipped.append(letter.id)
                } else if try await replay(letter) {
                    replayed += 1
                }
            }
            guard page.count == 500, let last = page.last else { break }
            start = "(" + last.id
        }
        return (replayed, skipped)
    }

    static let replayScript = RedisScript(
        """
        if redis.call('XDEL', KEYS[1], ARGV[1]) == 0 then return false end
        return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 3))
        """)

    private func replay(_ letter: PresenceDeadLetter) async throws(RedisError) -> Bool {
        guard let event = letter.event else { return false }
        let fields = event.streamFields.flatMap { [$0.0, $0.1] }
        let reply = try await redis.eval(
            Self.replayScript, keys: [keys.presenceDeadLetters, keys.presenceStream],
            arguments: [letter.id, String(Self.presenceMaxLength)] + fields)
        return reply.string != nil
    }

    /// `ms-seq`, both whole numbers: the shape of a stream id.
    public static func isStreamID(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.count <= 20 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
            && UInt64(parts[0]) != nil && UInt64(parts[1]) != nil
    }

    static func streamOrder(_ a: String, _ b: String) -> Bool {
        let (x, y) = (a.split(separator: "-").compactMap { UInt64($0) }, b.split(separator: "-").compactMap { UInt64($0) })
        return x.lexicographicallyPrecedes(y)
    }
}

/// One presence dead letter.
public struct PresenceDeadLetter: Sendable, Hashable {
    /// Its id in the dead-letter stream (what replay takes).
    public var id: String
    /// The entry's id in the presence stream when it died.
    public var originalID: String
    public var error: String
    public var attempts: Int
    /// The original entry's fields.
    public var fields: [String: String]
    /// The fields as a presence event; nil for a malformed entry (not replayable).
    public var event: PresenceEvent? { try? PresenceEvent(streamFields: fields) }

    init(_ entry: RedisStreamEntry) {
        id = entry.id
        originalID = entry.fields["original_id"] ?? ""
        error = entry.fields["error"] ?? ""
        attempts = Int(entry.fields["attempts"] ?? entry.fields["deliveries"] ?? "") ?? 0
        fields = entry.fields.filter { !PresenceDeadLetters.addedFields.contains($0.key) }
    }
}

/// Why a dead-letter replay was refused; nothing was replayed.
public struct DeadLetterError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// A malformed or empty argument.
        case invalidArgument
        /// No dead letter has this id.
        case notFound
        /// The letter is not a presence event (malformed): replaying it would dead-letter it again.
        case notReplayable
    }

    public var kind: Kind
    public var message: String
    public var ids: [String]

    public init(_ kind: Kind, _ message: String, ids: [String] = []) {
        self.kind = kind
        self.message = message
        self.ids = ids
    }

    public var description: String { message }
}
