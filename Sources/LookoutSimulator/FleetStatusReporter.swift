public import ServiceLifecycle

/// Hands a fleet's status line to `report` every `interval` until graceful shutdown or
/// cancellation, then once more.
public struct FleetStatusReporter: Service {
    public let fleet: NVRFleet
    public let interval: Duration
    let report: @Sendable (FleetStats) -> Void

    public init(fleet: NVRFleet, interval: Duration = .seconds(5), report: @escaping @Sendable (FleetStats) -> Void) {
        self.fleet = fleet
        self.interval = interval
        self.report = report
    }

    public func run() async {
        let clock = ContinuousClock()
        var deadline = clock.now
        while !Task.isShuttingDownGracefully {
            deadline += interval
            let wakeUp = deadline
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(until: wakeUp, clock: clock) }
            } catch {
                break
            }
            report(fleet.stats)
        }
        report(fleet.stats)
    }
}
