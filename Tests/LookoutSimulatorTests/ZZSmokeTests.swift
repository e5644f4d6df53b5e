// TEMPORARY: smoke tests against /tmp/fakegw.py; removed before handing over.
import Foundation
import Logging
import LookoutSimulator
import LookoutTestSupport
import Synchronization
import Testing

@Suite(.enabled(if: ProcessInfo.processInfo.environment["SMOKE_GW"] != nil)) struct ZZSmokeTests {
    let url = ProcessInfo.processInfo.environment["SMOKE_GW"] ?? ""
    var logger: Logger { var l = Logger(label: "smoke"); l.logLevel = .debug; return l }

    @Test func heartbeatsThenCancel() async throws {
        let rtts = Mutex<[Duration]>([])
        let agent = NVRAgent(hostname: "good-1", token: "tok", gatewayURL: url, logger: logger, heartbeatInterval: .milliseconds(200)) { event in
            if case .heartbeatAcknowledged(let rtt, _) = event { rtts.withLock { $0.append(rtt) } }
        }
        let task = Task { try await agent.run() }
        try await Task.sleep(for: .milliseconds(1100))
        task.cancel()
        let exit = try await task.value
        print("EXIT", exit, rtts.withLock { $0 })
        #expect(exit.closeCode == 1000)
        #expect(exit.authenticated)
        #expect(rtts.withLock { $0.count } >= 4)
    }

    @Test func silentGets4005() async throws {
        let agent = NVRAgent(hostname: "hung-1", token: nil, gatewayURL: url, logger: logger, silent: true)
        let exit = try await agent.run()
        print("EXIT", exit)
        #expect(exit.closeCode == 4005)
        #expect(exit.reason == "heartbeat timeout")
    }

    @Test func badGets4001() async throws {
        let agent = NVRAgent(hostname: "bad-1", token: "x", gatewayURL: url, logger: logger)
        let exit = try await agent.run()
        print("EXIT", exit)
        #expect(exit.closeCode == 4001)
        #expect(!exit.authenticated)
    }

    @Test func refused() async throws {
        let agent = NVRAgent(hostname: "x", token: nil, gatewayURL: "ws://127.0.0.1:1", logger: logger)
        await #expect(throws: NVRAgentError.self) { try await agent.run() }
    }

    @Test func fleet() async throws {
        var options = NVRFleet.Options()
        options.churnRate = 3
        options.heartbeatInterval = .milliseconds(300)
        var credentials = (1...20).map { NVRCredential(hostname: "good-\($0)", token: nil) }
        credentials.append(NVRCredential(hostname: "bad-x", token: "t"))
        credentials.append(NVRCredential(hostname: "revoked-x", token: "t"))
        var l = Logger(label: "fleet"); l.logLevel = .info
        let fleet = NVRFleet(credentials: credentials, gatewayURL: url, options: options, logger: l)
        let task = Task { await fleet.run() }
        for _ in 0..<5 {
            try await Task.sleep(for: .seconds(1))
            print("STATUS", fleet.stats.statusLine)
        }
        task.cancel()
        await task.value
        print("FINAL", fleet.stats)
        #expect(fleet.stats.connectedNow == 0)
        #expect(fleet.stats.stoppedAgents == 2)
    }
}

import ServiceLifecycle
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SMOKE_GW2"] != nil)) struct ZZSmoke2Tests {
    @Test func gracefulShutdown() async throws {
        let url = ProcessInfo.processInfo.environment["SMOKE_GW2"] ?? ""
        var l = Logger(label: "fleet"); l.logLevel = .info
        var options = NVRFleet.Options()
        options.heartbeatInterval = .milliseconds(300)
        let fleet = NVRFleet(credentials: NVRCredential.simulated(count: 50), gatewayURL: url, options: options, logger: l)
        let reporter = FleetStatusReporter(fleet: fleet, interval: .seconds(1)) { print("STATUS", $0.statusLine) }
        let group = ServiceGroup(configuration: .init(services: [.init(service: fleet), .init(service: reporter)], logger: l))
        let task = Task { try await group.run() }
        try await Task.sleep(for: .seconds(12))
        let start = ContinuousClock.now
        await group.triggerGracefulShutdown()
        try await task.value
        print("SHUTDOWN took", ContinuousClock.now - start, fleet.stats)
        #expect(fleet.stats.connectedNow == 0)
    }
}
