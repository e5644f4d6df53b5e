import Foundation
import Synchronization

/// A dashboard as a browser runs it behind a load balancer: connects, and whenever its socket
/// ends reconnects at once (0–250 ms) with its `lastSeq` and `epoch`, recording every position
/// it was sent, so a test can check the sequence has no gap across gateways.
final class DashboardFollower: Sendable {
    struct Record: Sendable {
        /// `seq` of each snapshot received (the first is the start; any later one is a resync).
        var snapshots: [Int64] = []
        /// `seq` of every notification after the first snapshot, in arrival order.
        var seqs: [Int64] = []
        var epoch: String?
        /// Close codes of the sockets that ended under it (nil: no close frame).
        var closes: [UInt16?] = []
        /// NVR hostnames a notification said were offline; alerts received.
        var offline: [String] = []
        var alerts = 0

        var lastSeq: Int64? { seqs.last ?? snapshots.last }

        /// True when the notifications follow the first snapshot one by one, without a gap or
        /// a repeat, and no later snapshot was needed.
        var isGapFree: Bool {
            guard snapshots.count == 1, let start = snapshots.first else { return false }
            return seqs == Array((start + 1)..<(start + 1 + Int64(seqs.count)))
        }
    }

    private let port: Int
    private let key: String
    private let record = Mutex(Record())
    private let current = Mutex<TestSocket?>(nil)
    private let stopped = Atomic(false)

    init(port: Int, key: String) {
        self.port = port
        self.key = key
    }

    var snapshot: Record { record.withLock { $0 } }

    /// Runs until ``stop()``.
    func run() async {
        while !stopped.load(ordering: .relaxed) {
            let socket = TestSocket(port: port)
            current.withLock { $0 = socket }
            if stopped.load(ordering: .sequentiallyConsistent) { return socket.close() }
            var hello: [String: any Sendable] = ["type": "dashboard", "token": key]
            let (lastSeq, epoch) = record.withLock { ($0.lastSeq, $0.epoch) }
            if let lastSeq { hello["lastSeq"] = lastSeq }
            if let epoch { hello["epoch"] = epoch }
            socket.send(json: hello)
            // No short time limit: a receive that times out ends the socket's stream.
            while let message = await socket.receiveJSON(within: .seconds(600)) { take(message) }
            if stopped.load(ordering: .relaxed) { return }
            let code = await socket.closeCode(within: .seconds(2))
            record.withLock { $0.closes.append(code) }
            try? await Task.sleep(for: .milliseconds(Int.random(in: 0...250)))
        }
    }

    func stop() {
        stopped.store(true, ordering: .sequentiallyConsistent)
        current.withLock { $0 }?.close()
    }

    private func take(_ message: [String: Any]) {
        let seq = (message["seq"] as? NSNumber)?.int64Value
        let epoch = message["epoch"] as? String
        let type = message["type"] as? String
        let nvr = message["nvr"] as? [String: Any]
        record.withLock { record in
            if let epoch { record.epoch = epoch }
            switch type {
            case "snapshot": if let seq { record.snapshots.append(seq) }
            default:
                if let seq { record.seqs.append(seq) }
                if type == "alert" { record.alerts += 1 }
                if nvr?["status"] as? String == "offline", let hostname = nvr?["hostname"] as? String { record.offline.append(hostname) }
            }
        }
    }
}
