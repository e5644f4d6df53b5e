import Synchronization

/// The counters behind `FleetStats`, updated by the fleet's agents from many tasks.
final class FleetStatistics: Sendable {
    /// How many recent heartbeat round trips the percentiles are computed over.
    static let rttWindow = 10_000

    private struct State {
        var stats: FleetStats
        var rtts: [Duration] = []
        var nextRTT = 0
    }

    private let state: Mutex<State>

    init(agents: Int) {
        state = Mutex(
            State(
                stats: FleetStats(
                    agents: agents, connectedNow: 0, connects: 0, reconnects: 0, disconnectsByCloseCode: [:],
                    disconnectsWithoutCloseFrame: 0, connectFailures: 0, authFailures: 0, stoppedAgents: 0,
                    heartbeatRTTp50: nil, heartbeatRTTp99: nil, heartbeatAcks: 0
                )
            )
        )
    }

    func authenticated(reconnect: Bool) {
        state.withLock { state in
            state.stats.connectedNow += 1
            state.stats.connects += 1
            if reconnect { state.stats.reconnects += 1 }
        }
    }

    func closed(_ exit: NVRAgentExit) {
        state.withLock { state in
            if exit.authenticated { state.stats.connectedNow -= 1 }
            if let code = exit.closeCode {
                state.stats.disconnectsByCloseCode[code, default: 0] += 1
                if code == 4001 { state.stats.authFailures += 1 }
            } else {
                state.stats.disconnectsWithoutCloseFrame += 1
            }
        }
    }

    func connectFailed() {
        state.withLock { $0.stats.connectFailures += 1 }
    }

    func agentStopped() {
        state.withLock { $0.stats.stoppedAgents += 1 }
    }

    func heartbeatRoundTrip(_ rtt: Duration) {
        state.withLock { state in
            state.stats.heartbeatAcks += 1
            if state.rtts.count < Self.rttWindow {
                state.rtts.append(rtt)
            } else {
                state.rtts[state.nextRTT] = rtt
                state.nextRTT = (state.nextRTT + 1) % Self.rttWindow
            }
        }
    }

    func snapshot() -> FleetStats {
        let (stats, rtts) = state.withLock { ($0.stats, $0.rtts) }
        let sorted = rtts.sorted()
        var snapshot = stats
        snapshot.heartbeatRTTp50 = Percentile.nearestRank(50, ofSorted: sorted)
        snapshot.heartbeatRTTp99 = Percentile.nearestRank(99, ofSorted: sorted)
        return snapshot
    }
}
