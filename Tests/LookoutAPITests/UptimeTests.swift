import HTTPTypes
import LookoutStore
import LookoutTestSupport
import Testing

/// ``NVRUptime``: sessions merged, clipped to the window, open ones running to its end.
@Suite struct UptimeTests {
    @Test func overlappingSessionsCountOnce() {
        let uptime = NVRUptime(from: 0, to: 100, sessions: [(10, 30), (20, 40), (35, 50), (60, 70)])
        #expect(uptime.connectedMillis == 50)
        #expect(uptime.ratio == 0.5)
    }

    @Test func sessionsAreClippedAndOpenOnesRunToTheEnd() {
        let uptime = NVRUptime(from: 100, to: 200, sessions: [(50, 120), (180, nil), (10, 90), (250, 300)])
        #expect(uptime.connectedMillis == 40)
    }

    @Test func anEmptyWindowIsZero() {
        #expect(NVRUptime(from: 0, to: 100, sessions: []).ratio == 0)
        #expect(NVRUptime(from: 5, to: 5, sessions: [(0, nil)]).ratio == 0)
    }
}
