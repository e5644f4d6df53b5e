import Foundation
import LookoutTestSupport
import Testing

/// Rotating a token, deleting or renaming an NVR closes its live connection with 4006 on
/// whichever gateway holds it, and the old token stops working at once. Real processes.
@Suite(.serialized) struct RevocationTests {
    @Test func rotationOnOneGatewayClosesTheConnectionOnAnother() async throws {
        let system = try await LookoutSystem.start()
        try await withTeardown({ await system.shutdown() }) {
            let token = try await system.addNVR("nvr-rot", cameras: 1)
            let goner = try await system.addNVR("nvr-gone", cameras: 1)
            let admin = try await system.addAPIKey(role: "admin")
            let (_, apiPort) = try await system.startGateway(name: "gateway-a")
            let (_, agentPort) = try await system.startGateway(name: "gateway-b")
            try await system.startWorker()

            let agent = AgentSocket(port: agentPort, hostname: "nvr-rot", token: token)
            #expect(await agent.authReply() == "auth_ok")
            let other = AgentSocket(port: agentPort, hostname: "nvr-gone", token: goner)
            #expect(await other.authReply() == "auth_ok")
            let id = try await system.database.query("SELECT id FROM nvrs WHERE hostname = 'nvr-rot'")

            let started = ContinuousClock.now
            let rotated = try await HTTPCall.send("POST", "http://127.0.0.1:\(apiPort)/api/nvr/\(id)/token", key: admin)
            #expect(rotated.status == 200, "\(rotated.body)")
            let newToken = try #require(rotated.json["token"] as? String)
            #expect(await agent.closeCode(within: .seconds(3)) == 4006, "\(system.logs)")
            #expect(ContinuousClock.now - started < .seconds(2))
            #expect(try await eventually(timeout: .seconds(5)) {
                try await system.database.query("SELECT disconnect_reason FROM nvr_sessions s JOIN nvrs n ON n.id = s.nvr_id WHERE n.hostname = 'nvr-rot'")
                    == "revoked"
            })

            let stale = AgentSocket(port: agentPort, hostname: "nvr-rot", token: token)
            #expect(await stale.closeCode() == 4001, "the old token is refused")
            let fresh = AgentSocket(port: apiPort, hostname: "nvr-rot", token: newToken)
            #expect(await fresh.authReply() == "auth_ok", "the new token works")
            #expect(await other.closeCode(within: .milliseconds(300)) == nil, "other NVRs stay connected")

            let goneID = try await system.database.query("SELECT id FROM nvrs WHERE hostname = 'nvr-gone'")
            #expect(try await HTTPCall.send("DELETE", "http://127.0.0.1:\(apiPort)/api/nvr/\(goneID)", key: admin).status == 200)
            #expect(await other.closeCode(within: .seconds(3)) == 4006, "deleting closes it too: \(system.logs)")
        }
    }
}
