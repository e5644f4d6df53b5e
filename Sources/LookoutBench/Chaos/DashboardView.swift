import Foundation
import HummingbirdWSClient
import Logging

/// A dashboard as docs/protocol.md describes the page: it applies the snapshot and every `nvr`
/// notification to its own map of NVR statuses, and after a lost connection reconnects with
/// `lastSeq` (and the `epoch` it last saw, when notifications carry one). It never repairs a gap
/// itself: a gap it sees is counted, so the harness shows what the gateway failed to fill.
final class DashboardView: Sendable {
    struct State: Sendable {
        var statuses: [String: String] = [:]
        var lastSeq: Int?
        var epoch: String?
        var snapshots = 0
        var notifications = 0
        /// Notifications whose `seq` was not the one after the last (within an epoch).
        var gaps = 0
        var connections = 0
        var reloadRequested = false
    }

    let name: String
    private let state = Locked(State())
    private let connection = Locked<Task<Void, Never>?>(nil)
    private let task: Task<Void, Never>

    init(name: String, port: Int, key: String, logger: Logger) {
        self.name = name
        let state = self.state
        let connection = self.connection
        task = Task {
            while !Task.isCancelled {
                let resume = state.withLock { state -> String in
                    state.connections += 1
                    var hello = #"{"type":"dashboard","token":"\#(key)""#
                    if let seq = state.lastSeq { hello += #","lastSeq":\#(seq)"# }
                    if let epoch = state.epoch { hello += #","epoch":\#(epoch)"# }
                    return hello + "}"
                }
                let current = Task {
                    _ = try? await WebSocketClient.connect(
                        url: "ws://127.0.0.1:\(port)/ws", configuration: .init(maxFrameSize: 1 << 24), logger: logger
                    ) { inbound, outbound, _ in
                        try await outbound.write(.text(resume))
                        for try await message in inbound.messages(maxSize: 1 << 26) {
                            guard case .text(let text) = message else { continue }
                            Self.apply(text, to: state)
                        }
                    }
                }
                connection.withLock { $0 = current }
                await withTaskCancellationHandler { await current.value } onCancel: { current.cancel() }
                // The connection is over: nothing of it can arrive after the reset.
                state.withLock { if $0.reloadRequested { $0 = State(connections: $0.connections) } }
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    /// Hostname → status as this dashboard shows it now.
    var snapshot: State { state.withLock { $0 } }

    func stop() { task.cancel() }

    /// Starts over as a newly opened page (no `lastSeq`: a snapshot), so that one fault's stale
    /// view does not count against the next fault.
    func reload() {
        state.withLock { $0.reloadRequested = true }
        connection.withLock { $0?.cancel() }
    }

    private static func apply(_ text: String, to state: Locked<State>) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return }
        let seq = (object["seq"] as? NSNumber)?.intValue
        // The epoch as the JSON text it came in (a number or a string), sent back verbatim.
        let epoch: String? = object["epoch"].flatMap { value in
            if let string = value as? String { return "\"\(string)\"" }
            return (value as? NSNumber).map { "\($0)" }
        }
        switch object["type"] as? String {
        case "snapshot":
            var statuses: [String: String] = [:]
            for nvr in object["nvrs"] as? [[String: Any]] ?? [] {
                if let hostname = nvr["hostname"] as? String { statuses[hostname] = nvr["status"] as? String ?? "?" }
            }
            state.withLock { state in
                state.statuses = statuses
                state.lastSeq = seq
                state.epoch = epoch ?? state.epoch
                state.snapshots += 1
            }
        case "nvr", "nvr_removed", "alert", "alert_event":
            state.withLock { state in
                if let seq {
                    let sameEpoch = epoch == nil || epoch == state.epoch
                    if let last = state.lastSeq, sameEpoch, seq > last + 1 { state.gaps += 1 }
                    state.lastSeq = seq
                }
                state.epoch = epoch ?? state.epoch
                state.notifications += 1
                if let nvr = object["nvr"] as? [String: Any], let hostname = nvr["hostname"] as? String {
                    state.statuses[hostname] = nvr["status"] as? String ?? "?"
                } else if object["type"] as? String == "nvr_removed", let hostname = object["hostname"] as? String {
                    state.statuses.removeValue(forKey: hostname)
                }
            }
        default:
            break
        }
    }
}
