import LookoutCore

/// The writes one presence batch makes, computed in Swift from the locked NVR rows with
/// ``PresenceFence/decide(stored:event:version:)``; no I/O, so it is tested without a database.
struct PresencePlan: Sendable {
    /// An NVR row as locked at the start of the batch.
    struct Locked: Sendable, Hashable {
        var id: Int64
        var hostname: String
        var version: Int64
        var status: DeviceStatus
    }

    /// The final state of one NVR the batch changed.
    struct NVRWrite: Sendable, Hashable {
        var id: Int64
        var status: DeviceStatus
        var version: Int64
        /// Unix ms of the last event that changed the status; nil when the status never changed.
        var statusChangedAt: Int64?
        /// From the last applied `connected`; nil keeps the stored connection.
        var sessionID: String?
        var gatewayID: String?
        /// Latest `at` of an applied `connected`; the stored value only moves forward.
        var lastSeenAt: Int64?
    }

    /// One `nvr_sessions` upsert: every event of the session in this batch, merged.
    struct SessionWrite: Sendable, Hashable {
        var nvrID: Int64
        var sessionID: String
        var version: Int64
        var gatewayID: String
        /// The earliest event time of the session in the batch (a `disconnected` that arrives
        /// first stands in for the start until its `connected` comes).
        var connectedAt: Int64
        /// The first `disconnected`'s (or `handover`'s) time and reason.
        var disconnectedAt: Int64?
        var reason: String?
    }

    var nvrs: [NVRWrite] = []
    var sessions: [SessionWrite] = []
    var result = PresenceApplyResult()

    /// Plans `events` (in stream order) against `locked`.
    init(events: [PresenceEvent], locked: [Locked]) {
        let byHostname = Dictionary(locked.map { ($0.hostname, $0) }, uniquingKeysWith: { first, _ in first })
        var writes: [Int64: NVRWrite] = [:]
        var sessionIndex: [String: Int] = [:]
        var unknown: Set<String> = []

        for event in events {
            guard event.kind != .seen else {
                self.result.ignored += 1
                continue
            }
            guard let row = byHostname[event.hostname] else {
                unknown.insert(event.hostname)
                continue
            }
            self.recordSession(event, nvrID: row.id, index: &sessionIndex)

            var write = writes[row.id] ?? NVRWrite(id: row.id, status: row.status, version: row.version)
            let stored = PresenceFence.Stored(version: write.version, status: write.status)
            guard case .apply(let next) = PresenceFence.decide(stored: stored, event: event.kind, version: event.version) else {
                self.result.ignored += 1
                continue
            }
            self.result.applied += 1
            if next.status != write.status {
                write.statusChangedAt = event.at
            }
            write.status = next.status
            write.version = next.version
            if event.kind == .connected {
                write.sessionID = event.sessionID
                write.gatewayID = event.gatewayID
                write.lastSeenAt = max(write.lastSeenAt ?? event.at, event.at)
            }
            writes[row.id] = write
        }

        // Lock order (hostname) for the writes too; any applied event changes version or status.
        self.nvrs = locked.compactMap { writes[$0.id] }
        self.result.changedNVRIDs = self.nvrs.map(\.id).sorted()
        self.result.unknownHostnames = unknown.sorted()
    }

    /// Merges `event` into its session's upsert.
    private mutating func recordSession(_ event: PresenceEvent, nvrID: Int64, index: inout [String: Int]) {
        guard let position = index[event.sessionID] else {
            index[event.sessionID] = self.sessions.count
            let disconnected = event.endsSession
            self.sessions.append(
                SessionWrite(
                    nvrID: nvrID, sessionID: event.sessionID, version: event.version, gatewayID: event.gatewayID,
                    connectedAt: event.at, disconnectedAt: disconnected ? event.at : nil, reason: disconnected ? event.reason : nil
                )
            )
            return
        }
        self.sessions[position].connectedAt = min(self.sessions[position].connectedAt, event.at)
        if event.endsSession, self.sessions[position].disconnectedAt == nil {
            self.sessions[position].disconnectedAt = event.at
            self.sessions[position].reason = event.reason
        }
    }

    /// The NVRs whose status changed in the batch, with their final status and its time: their
    /// cameras follow.
    var cameraTransitions: [(nvrID: Int64, status: DeviceStatus, at: Int64)] {
        self.nvrs.compactMap { write in write.statusChangedAt.map { (write.id, write.status, $0) } }
    }
}
