import Foundation
import HummingbirdWSClient
import Logging

/// A dashboard connection that timestamps every NVR status change it is told about, by the
/// session it belongs to: an event is matched only by its own session's notification, never by
/// a later connection's (an agent toggled every second would otherwise lend its next cycle's
/// notification to an event that had none, and count the cycle as latency).
final class DashboardProbe: Sendable {
    /// One NVR status change: what an event predicts and a notification tells.
    struct Change: Hashable, Sendable {
        let hostname: String
        let session: String
        let status: String
    }

    private let arrivals = Locked<[Change: [ContinuousClock.Instant]]>([:])
    private let task: Task<Void, any Error>

    init(port: Int, key: String, logger: Logger) {
        let arrivals = self.arrivals
        task = Task {
            _ = try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/ws", configuration: .init(maxFrameSize: 1 << 24), logger: logger) {
                inbound, outbound, _ in
                try await outbound.write(.text(#"{"type":"dashboard","token":"\#(key)"}"#))
                for try await message in inbound.messages(maxSize: 1 << 26) {
                    guard case .text(let text) = message, text.hasPrefix(#"{"seq""#) else { continue }
                    let now = ContinuousClock.now
                    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                        let nvr = object["nvr"] as? [String: Any], let hostname = nvr["hostname"] as? String, let status = nvr["status"] as? String,
                        let session = nvr["session"] as? String
                    else { continue }
                    arrivals.withLock { $0[Change(hostname: hostname, session: session, status: status), default: []].append(now) }
                }
            }
        }
    }

    /// The first notification of `change` after `since`.
    func arrival(of change: Change, after since: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        arrivals.withLock { $0[change]?.first { $0 >= since } }
    }

    func stop() { task.cancel() }
}
