import Testing

@testable import LookoutBench

/// How `bench presence` matches an event to the notification a dashboard got for it.
struct StatusArrivalsTests {
    let start = ContinuousClock.now
    func at(_ milliseconds: Int) -> ContinuousClock.Instant { start + .milliseconds(milliseconds) }

    @Test func anEventIsMatchedByTheFirstArrivalOfItsStatusAfterIt() {
        var arrivals = StatusArrivals()
        arrivals.record(hostname: "nvr-1", status: "online", at: at(10))
        arrivals.record(hostname: "nvr-1", status: "offline", at: at(1_010))
        arrivals.record(hostname: "nvr-1", status: "online", at: at(2_010))
        #expect(arrivals.arrival(hostname: "nvr-1", status: "online", after: at(0)) == at(10))
        #expect(arrivals.arrival(hostname: "nvr-1", status: "offline", after: at(1_000)) == at(1_010))
        // A slow notification is still its event's, however late.
        #expect(arrivals.arrival(hostname: "nvr-1", status: "online", after: at(1_500)) == at(2_010))
        #expect(arrivals.arrival(hostname: "nvr-2", status: "online", after: at(0)) == nil)
    }

    @Test func anEventWhoseNotificationNeverCameIsNotMatchedToTheNextCycle() {
        var arrivals = StatusArrivals()
        // Connected at 900 and disconnected at 1,000 in one worker batch: only "offline" is told.
        arrivals.record(hostname: "nvr-1", status: "offline", at: at(1_050))
        arrivals.record(hostname: "nvr-1", status: "online", at: at(2_050))
        #expect(arrivals.arrival(hostname: "nvr-1", status: "online", after: at(900)) == nil)
        #expect(arrivals.arrival(hostname: "nvr-1", status: "offline", after: at(1_000)) == at(1_050))
    }
}
