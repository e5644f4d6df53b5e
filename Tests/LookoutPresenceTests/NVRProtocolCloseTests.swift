import Foundation
import LookoutTestSupport
import Testing

/// An NVR the gateway closes for its own messages (4000, 4008) ends its session then: its
/// `disconnected` is published at the close, not when the silence watchdog notices, one and a
/// half heartbeat intervals later.
@Suite(.serialized) struct NVRProtocolCloseTests {
    @Test func anNVRClosedForItsMessagesGoesOfflineAtOnce() async throws {
        // 10 s heartbeats: the watchdog would end these sessions after 15 s of silence.
        let system = try await LookoutSystem.start(heartbeatSeconds: 10)
        try await withTeardown({ await system.shutdown() }) {
            let violatorToken = try await system.addNVR("nvr-violator")
            let noisyToken = try await system.addNVR("nvr-noisy")
            let (_, port) = try await system.startGateway()
            try await system.startWorker()
            let (violator, _) = await connectNVR(port: port, hostname: "nvr-violator", token: violatorToken)
            let (noisy, _) = await connectNVR(port: port, hostname: "nvr-noisy", token: noisyToken)
            #expect(try await waitForRow(system, "nvr-violator", "online|1"))
            #expect(try await waitForRow(system, "nvr-noisy", "online|1"))

            let started = ContinuousClock.now
            violator.send(json: ["type": "auth", "hostname": "nvr-violator", "token": violatorToken])
            #expect(await violator.closeCode() == 4000)
            for _ in 0..<10 { noisy.send("{not json") }
            #expect(await noisy.closeCode() == 4008)
            #expect(try await waitForRow(system, "nvr-violator", "offline|1", within: .seconds(3)), "\(system.logs)")
            #expect(try await waitForRow(system, "nvr-noisy", "offline|1", within: .seconds(3)), "\(system.logs)")
            print("protocol close → offline: \(ContinuousClock.now - started)")
            let reasons = try await system.database.query(
                "SELECT n.hostname || ':' || coalesce(s.disconnect_reason, '-') FROM nvr_sessions s JOIN nvrs n ON n.id = s.nvr_id ORDER BY n.hostname")
            #expect(reasons == "nvr-noisy:error\nnvr-violator:error")

            // The agent may come back at once, with the next version.
            let (again, _) = await connectNVR(port: port, hostname: "nvr-violator", token: violatorToken)
            #expect(try await waitForRow(system, "nvr-violator", "online|2"))
            again.close()
        }
    }
}
