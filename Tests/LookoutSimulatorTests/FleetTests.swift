import Foundation
@testable import LookoutSimulator
import Testing

@Suite struct FleetTests {
    @Test func statisticsCountConnectsAndClosesByCode() {
        let statistics = FleetStatistics(agents: 3)
        statistics.authenticated(reconnect: false)
        statistics.authenticated(reconnect: false)
        statistics.closed(NVRAgentExit(closeCode: 1001, reason: "gateway shutting down", authenticated: true, session: "s1"))
        statistics.authenticated(reconnect: true)
        statistics.closed(NVRAgentExit(closeCode: 4001, reason: "authentication failed", authenticated: false, session: nil))
        statistics.closed(NVRAgentExit(closeCode: nil, reason: nil, authenticated: true, session: "s2"))
        statistics.connectFailed()
        statistics.agentStopped()
        let stats = statistics.snapshot()
        #expect(stats.connectedNow == 1)
        #expect(stats.connects == 3)
        #expect(stats.reconnects == 1)
        #expect(stats.disconnectsByCloseCode == [1001: 1, 4001: 1])
        #expect(stats.disconnectsWithoutCloseFrame == 1)
        #expect(stats.authFailures == 1)
        #expect(stats.connectFailures == 1)
        #expect(stats.stoppedAgents == 1)
        #expect(stats.heartbeatRTTp50 == nil)
        #expect(stats.statusLine == "connected 1/3, reconnects 1, rtt p50 - p99 -, auth failures 1, stopped 1")
    }

    @Test func roundTripPercentilesOverTheRecentWindow() {
        let statistics = FleetStatistics(agents: 1)
        for ms in 1...100 { statistics.heartbeatRoundTrip(.milliseconds(ms)) }
        var stats = statistics.snapshot()
        #expect(stats.heartbeatRTTp50 == .milliseconds(50))
        #expect(stats.heartbeatRTTp99 == .milliseconds(99))
        #expect(stats.statusLine == "connected 0/1, reconnects 0, rtt p50 50ms p99 99ms")
        // A full window of 1 ms samples pushes the old ones out.
        for _ in 0..<FleetStatistics.rttWindow { statistics.heartbeatRoundTrip(.milliseconds(1)) }
        stats = statistics.snapshot()
        #expect(stats.heartbeatRTTp99 == .milliseconds(1))
        #expect(stats.heartbeatAcks == 100 + FleetStatistics.rttWindow)
    }

    @Test func subMillisecondRoundTripsKeepTwoDecimals() {
        #expect(FleetStats.milliseconds(.microseconds(1234)) == "1.23ms")
        #expect(FleetStats.milliseconds(.microseconds(12_600)) == "13ms")
    }

    @Test func churnCarriesFractionsOver() {
        var half = ChurnSchedule(rate: 0.5)
        #expect((0..<6).map { _ in half.tick() } == [0, 1, 0, 1, 0, 1])
        var twoAndAHalf = ChurnSchedule(rate: 2.5)
        #expect((0..<4).map { _ in twoAndAHalf.tick() } == [2, 3, 2, 3])
        for rate in [0, -3, .nan, .infinity] {
            var none = ChurnSchedule(rate: rate)
            #expect((0..<3).map { _ in none.tick() } == [0, 0, 0])
        }
    }

    @Test func aDrainedAgentComesBackAtOnceWithJitter() {
        var generator = SeededGenerator(seed: 5)
        let options = NVRFleet.Options()
        let drained = NVRAgentExit(closeCode: 1012, reason: "gateway restarting, reconnect now", authenticated: true, session: "s1")
        let pauses = (0..<200).compactMap { _ in options.restartPause(after: drained, using: &generator) }
        #expect(pauses.count == 200)
        #expect(pauses.allSatisfy { $0 >= .zero && $0 <= .milliseconds(250) })
        #expect(pauses.max()! > .milliseconds(200), "spread over the jitter")
        // Refused while the gateway drains, or any other code: the usual backoff.
        let refused = NVRAgentExit(closeCode: 1012, reason: nil, authenticated: false, session: nil)
        let shutdown = NVRAgentExit(closeCode: 1001, reason: nil, authenticated: true, session: "s1")
        #expect(options.restartPause(after: refused, using: &generator) == nil)
        #expect(options.restartPause(after: shutdown, using: &generator) == nil)
    }

    @Test func churnedAgentsComeBackAfterOneToFiveSeconds() {
        var generator = SeededGenerator(seed: 3)
        let pauses = (0..<200).map { _ in ChurnSchedule.reconnectPause(using: &generator) }
        #expect(pauses.allSatisfy { $0 >= .seconds(1) && $0 <= .seconds(5) })
        #expect(pauses.min()! < .milliseconds(1200))
        #expect(pauses.max()! > .milliseconds(4800))
    }

    @Test func slotChurnsOnlyAnAuthenticatedConnectionOnce() async {
        let slot = FleetSlot(credential: NVRCredential(hostname: "h", token: nil))
        let connection = Task<NVRAgentExit, any Error> {
            try await Task.sleep(for: .seconds(60))
            return NVRAgentExit(closeCode: nil, reason: nil, authenticated: false, session: nil)
        }
        slot.attach(connection)
        #expect(!slot.churn())
        #expect(slot.authenticated() == false)
        #expect(slot.isConnected)
        #expect(slot.churn())
        #expect(!slot.churn())
        #expect(connection.isCancelled)
        #expect(slot.detach())
        #expect(!slot.isConnected)
        #expect(slot.authenticated() == true)
    }

    @Test func simulatedHostnames() {
        #expect(NVRCredential.simulated(count: 3).map(\.hostname) == ["sim-nvr-0001", "sim-nvr-0002", "sim-nvr-0003"])
        #expect(NVRCredential.simulated(count: 3).allSatisfy { $0.token == nil })
        #expect(NVRCredential.simulatedHostname(12_345) == "sim-nvr-12345")
    }

    @Test func credentialsComeFromTheTokenFileOrAreSimulated() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-\(UInt32.random(in: .min ... .max)).tsv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "# tokens\na\tnvr_a\nb\tnvr_b\nc\tnvr_c\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try fleetCredentials(count: 2, tokenFile: path) == [NVRCredential(hostname: "a", token: "nvr_a"), NVRCredential(hostname: "b", token: "nvr_b")])
        #expect(throws: SimulateNVRsError.notEnoughTokens(path: path, available: 3, needed: 4)) {
            try fleetCredentials(count: 4, tokenFile: path)
        }
        #expect(throws: SimulateNVRsError.invalidCount(0)) { try fleetCredentials(count: 0, tokenFile: nil) }
        #expect(try fleetCredentials(count: 2, tokenFile: nil).map(\.hostname) == ["sim-nvr-0001", "sim-nvr-0002"])
    }

    @Test func malformedTokenFileErrorNamesPathAndLine() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UInt32.random(in: .min ... .max)).tsv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "a\tnvr_a\nb nvr_b\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try fleetCredentials(count: 1, tokenFile: path)
        } throws: { error in
            "\(error)".hasPrefix("token file \(path): line 2: ")
        }
    }
}
