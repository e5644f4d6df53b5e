import Foundation
import LookoutTestSupport
import Testing

/// Revoking an API key closes the dashboards that use it on every gateway within about a second
/// (4006), whoever revoked it (here the CLI, which talks to PostgreSQL only); other dashboards stay.
@Suite(.serialized) struct APIKeyRevocationTests {
    @Test func revokingAKeyClosesItsDashboardsOnEveryGateway() async throws {
        let system = try await LookoutSystem.start()
        try await withTeardown({ await system.shutdown() }) {
            let doomed = try await system.addAPIKey(role: "viewer")
            let kept = try await system.addAPIKey(role: "viewer")
            let (_, portA) = try await system.startGateway(name: "gateway-a")
            let (_, portB) = try await system.startGateway(name: "gateway-b")
            let (onA, firstA) = await connectDashboard(port: portA, key: doomed)
            let (onB, firstB) = await connectDashboard(port: portB, key: doomed)
            let (other, _) = await connectDashboard(port: portA, key: kept)
            #expect(firstA?["type"] as? String == "snapshot" && firstB?["type"] as? String == "snapshot")
            let id = try await system.database.query("SELECT id FROM api_keys ORDER BY id LIMIT 1")

            let started = ContinuousClock.now
            let revoked = try await system.cli(["apikey", "revoke", "--id", id])
            #expect(revoked.status == 0, "\(revoked.stderr)")
            // The revocation is committed when the CLI returns; the gateways check once a second.
            let committed = ContinuousClock.now
            async let closedA = onA.closeCode(within: .seconds(3))
            async let closedB = onB.closeCode(within: .seconds(3))
            let (codeA, codeB) = await (closedA, closedB)
            let elapsed = ContinuousClock.now - committed
            #expect(codeA == 4006 && codeB == 4006, "\(system.logs)")
            print("API key revocation: CLI took \(committed - started); both dashboards closed \(elapsed) after it returned")
            #expect(await other.closeCode(within: .milliseconds(500)) == nil, "a dashboard with another key stays")
            // Reconnecting with the revoked key is refused.
            let (again, reply) = await connectDashboard(port: portB, key: doomed)
            #expect(reply?["type"] as? String == "auth_error")
            #expect(await again.closeCode() == 4001)
            // The CLI lists it as revoked.
            let list = try await system.cli(["apikey", "list"])
            #expect(list.stdout.split(separator: "\n").contains { $0.hasPrefix("\(id)\tviewer\trevoked") }, "\(list.stdout)")
        }
    }
}
