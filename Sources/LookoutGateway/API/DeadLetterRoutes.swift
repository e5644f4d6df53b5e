import Hummingbird
import LookoutCore
import LookoutNotify
import LookoutStore

/// The dead sets for admins: presence dead letters (`presence:dead`) and dead renewals
/// (`renewals:dead`), listed and replayed with ``DeadReplay`` (what `lookout dead` runs), and
/// alert webhook deliveries that gave up (listed here; `lookout dead replay --alert ID` replays them).
/// The renewal half needs the stream operations; without them those routes answer 503.
struct DeadLetterRoutes: Sendable {
    let letters: PresenceDeadLetters
    let operations: (any StreamOperations)?
    /// Webhook deliveries of alerts that ran out of attempts.
    let alertOutbox: PostgresAlertOutbox
    let configuration: APIConfiguration

    func register(on router: RouteTable) {
        router.get("/api/dead", .admin) { _, _ in
            let presence = try await letters.list().map(PresenceItem.init)
            let renewals = try await available().deadRenewals()
            let alerts = try await alertOutbox.dead()
            return try JSONResponse.make(Success(DeadSets(presence: presence, renewals: renewals, alertDeliveries: alerts)))
        }
        router.post("/api/dead/replay", .admin) { request, _ in
            let body = try await JSONBody.read(request, limit: configuration.maxBodySize)
            let all = try body.bool("all") ?? false
            let presence = try Self.streamIDs(body, "presence", maxCount: Self.maxIDs) ?? []
            let cameras = try body.integers("cameraIds", in: 1...Int64.max, maxCount: Self.maxIDs) ?? []
            // `all` replays everything, whatever the lists name; naming nothing replays nothing.
            guard all || !(presence.isEmpty && cameras.isEmpty) else {
                return try JSONResponse.make(Success(DeadReplay.Report(presence: 0, renewals: 0, skipped: [])))
            }
            do {
                let report = try await DeadReplay(letters: letters, operations: try available()).run(
                    all: all, presence: all ? [] : presence, cameras: all ? [] : cameras)
                return try JSONResponse.make(Success(report))
            } catch let error as DeadLetterError {
                switch error.kind {
                case .notFound: throw APIError.notFound(error.message)
                case .invalidArgument, .notReplayable: throw APIError.invalidField("presence", error.message)
                }
            }
        }
    }

    /// Ids per list in one request: 500 of the longest stream ids stay well inside the body limit.
    static let maxIDs = 500

    /// An array of stream ids (`1700000000000-0`), nil when absent.
    static func streamIDs(_ body: JSONBody, _ name: String, maxCount: Int) throws(APIError) -> [String]? {
        guard let value = body.fields[name], value != .null else { return nil }
        guard case .array(let items) = value else { throw APIError.invalidField(name, "\(name) must be an array, not \(value.kind)") }
        guard items.count <= maxCount else { throw APIError.invalidField(name, "\(name) may hold at most \(maxCount) ids") }
        return try items.map { item throws(APIError) in
            guard case .string(let id) = item, PresenceDeadLetters.isStreamID(id) else {
                throw APIError.invalidField(name, "\(name) must hold dead letter ids like 1700000000000-0")
            }
            return id
        }
    }

    struct PresenceItem: Encodable, Sendable {
        let id: String
        let originalId: String
        let error: String
        let attempts: Int
        let fields: [String: String]
        let replayable: Bool

        init(_ letter: PresenceDeadLetter) {
            id = letter.id
            originalId = letter.originalID
            error = letter.error
            attempts = letter.attempts
            fields = letter.fields
            replayable = letter.event != nil
        }
    }

    struct DeadSets: Encodable, Sendable {
        let presence: [PresenceItem]
        let renewals: [DeadRenewal]
        let alertDeliveries: [DeadAlertDelivery]
    }

    private func available() throws(APIError) -> any StreamOperations {
        guard let operations else { throw APIError.unavailable("stream operations are not configured on this gateway") }
        return operations
    }
}
