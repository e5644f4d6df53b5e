/// What a gateway tells the presence workers about one NVR connection, as a stream entry.
///
/// `version` is the NVR's connection version (monotonic per NVR, taken at auth): a worker
/// applies an event only if its version is not older than the stored one, so a late
/// `disconnected` of an old connection cannot mark a reconnected NVR offline.
public struct PresenceEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case connected
        case disconnected
        /// A draining gateway closed the connection (1012) so the agent reconnects to another:
        /// the session ends, the NVR's status does not change. If the agent never comes back,
        /// its liveness expires and the sweeper marks it offline (docs/architecture.md, "Draining").
        case handover
        /// Batched liveness: `lastSeen` moves forward, status does not change.
        case seen
    }

    public var kind: Kind
    public var hostname: String
    public var version: Int64
    public var sessionID: String
    public var gatewayID: String
    /// Unix milliseconds when the gateway observed it.
    public var at: Int64
    /// Why a connection ended (`closed`, `silent`, `replaced`, `gateway_lost`, …).
    public var reason: String?

    public init(kind: Kind, hostname: String, version: Int64, sessionID: String, gatewayID: String, at: Int64, reason: String? = nil) {
        self.kind = kind
        self.hostname = hostname
        self.version = version
        self.sessionID = sessionID
        self.gatewayID = gatewayID
        self.at = at
        self.reason = reason
    }

    /// The stream entry's fields (`XADD … type connected host … v 3 …`).
    public var streamFields: [(String, String)] {
        var fields = [
            ("type", kind.rawValue), ("host", hostname), ("v", String(version)), ("session", sessionID),
            ("gw", gatewayID), ("at", String(at)),
        ]
        if let reason { fields.append(("reason", reason)) }
        return fields
    }

    /// Whether the event ends its session (`disconnected` or `handover`).
    public var endsSession: Bool { kind == .disconnected || kind == .handover }

    /// Parses a stream entry's fields; a malformed entry names the field at fault.
    public init(streamFields fields: [String: String]) throws(PresenceEventError) {
        func field(_ name: String) throws(PresenceEventError) -> String {
            guard let value = fields[name], !value.isEmpty else { throw PresenceEventError(field: name, problem: "missing") }
            return value
        }
        let type = try field("type")
        guard let kind = Kind(rawValue: type) else { throw PresenceEventError(field: "type", problem: "unknown '\(type)'") }
        guard let version = Int64(try field("v")) else { throw PresenceEventError(field: "v", problem: "not an integer") }
        guard let at = Int64(try field("at")) else { throw PresenceEventError(field: "at", problem: "not an integer") }
        self.init(
            kind: kind, hostname: try field("host"), version: version, sessionID: try field("session"), gatewayID: try field("gw"),
            at: at, reason: fields["reason"])
    }
}

public struct PresenceEventError: Error, Sendable, Equatable, CustomStringConvertible {
    public let field: String
    public let problem: String
    public var description: String { "presence event field '\(field)': \(problem)" }
}
