public import Logging
public import ServiceLifecycle

/// Many simulated agents against one gateway, for demos and load benchmarks.
///
/// Every agent keeps reconnecting: after a drop with jittered exponential backoff, after churn
/// (`Options.churnRate` random connected agents per second disconnect and come back 1–5 s
/// later), except after a close code in `Options.stopCloseCodes`, where that agent stops. A
/// draining gateway's 1012 on an authenticated connection brings the agent back at once, after
/// a random pause up to `Options.restartJitter`.
/// As a `Service`, graceful shutdown closes every socket with 1000 before `run()` returns.
public final class NVRFleet: Service, Sendable {
    public struct Options: Sendable {
        /// Agents per second that disconnect and reconnect after a random 1–5 s; 0 for none.
        public var churnRate: Double = 0
        public var backoff = ReconnectBackoff()
        /// After a drain's 1012 (service restart) on an authenticated connection, an agent
        /// reconnects at once, after a random pause up to this (docs/protocol.md); a 1012 that
        /// refuses a new connection gets the usual ``backoff``.
        public var restartJitter: Duration = .milliseconds(250)
        /// Overrides the heartbeat interval the gateway announces.
        public var heartbeatInterval: Duration?
        /// Each agent's first connect waits a random time up to this, so a large fleet does
        /// not open every socket in the same millisecond nor heartbeat in lockstep.
        public var connectSpread: Duration = .seconds(1)
        /// Close codes after which an agent gives up: 4001 authentication failed, 4006 token
        /// revoked (both need a new token) and 4004 replaced (docs/protocol.md: "nothing: the
        /// newer one lives"; reconnecting would fight the newer connection).
        public var stopCloseCodes: Set<UInt16> = [4001, 4004, 4006]
        /// An agent does not start a new attempt while this many abandoned attempts in the
        /// process still hold their sockets (``LingeringAttempts``).
        public var maxLingeringAttempts = Int.max

        public init() {}
    }

    public let credentials: [NVRCredential]
    public let gatewayURL: String
    public let options: Options
    let logger: Logger
    let statistics: FleetStatistics
    let slots: [FleetSlot]

    public init(credentials: [NVRCredential], gatewayURL: String, options: Options = .init(), logger: Logger) {
        self.credentials = credentials
        self.gatewayURL = gatewayURL
        self.options = options
        self.logger = logger
        self.statistics = FleetStatistics(agents: credentials.count)
        self.slots = credentials.map(FleetSlot.init(credential:))
    }

    /// The fleet's counters now.
    public var stats: FleetStats { statistics.snapshot() }

    /// Runs every agent until graceful shutdown or cancellation (then closes every socket with
    /// 1000), or until every agent has stopped.
    public func run() async {
        logger.info("Starting NVR fleet", metadata: ["lookout.fleet.agents": "\(slots.count)", "lookout.fleet.gateway": "\(gatewayURL)"])
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                if self.options.churnRate > 0 {
                    group.addTask { await self.runChurn() }
                }
                await withDiscardingTaskGroup { agents in
                    for slot in self.slots {
                        agents.addTask { await self.runAgent(slot) }
                    }
                }
                group.cancelAll()
            }
        }
        logger.info("NVR fleet stopped", metadata: ["lookout.fleet.stats": "\(stats.statusLine)"])
    }

    /// Every second, closes `churnRate` random connected agents (fractions carry over).
    private func runChurn() async {
        var schedule = ChurnSchedule(rate: options.churnRate)
        let clock = ContinuousClock()
        var deadline = clock.now
        while true {
            deadline += .seconds(1)
            do { try await Task.sleep(until: deadline, clock: clock) } catch { return }
            let count = schedule.tick()
            guard count > 0 else { continue }
            let churned = slots.filter(\.isConnected).shuffled().prefix(count).filter { $0.churn() }.count
            logger.trace("Churned agents", metadata: ["lookout.fleet.churned": "\(churned)"])
        }
    }
}
