import Foundation
import HTTPTypes
import HummingbirdTesting
import LookoutCore
import LookoutStore
import LookoutTestSupport
import Testing

/// `/api/alerts` (issue 13, item 5): stored alerts with their state and duration, filters and
/// paging; acknowledging with a viewer key records which key and when, once.
@Suite struct AlertRouteTests {
    @Test func listFilterAndAcknowledge() async throws {
        try await withAPI { api async throws in
            let alerts = PostgresAlertRepository(client: api.postgres)
            let nvr = try #require(try await alerts.open(.nvrOffline, subject: AlertSubject(id: 41, name: "site-nvr-41")))
            let camera = try #require(try await alerts.open(.renewalFailing, subject: AlertSubject(id: 7, name: "gate"), details: "HTTP 500"))
            try await alerts.recover(.renewalFailing, subjectID: 7)
            try await alerts.open(.cloudCredentialsRejected, subject: .account)

            let all = try await api.viewer(.get, "/api/alerts")
            #expect(all.status == .ok, "\(all.text)")
            #expect(all.json.objects("alerts").count == 3)
            #expect(all.json.object("pagination").int("total") == 3)
            #expect(all.json.objects("alerts").prefix(2).allSatisfy { $0["open"] as? Bool == true }, "open ones first")

            let open = try await api.viewer(.get, "/api/alerts?state=open&kind=nvr_offline")
            let item = try #require(open.json.objects("alerts").first)
            #expect(open.json.objects("alerts").count == 1)
            #expect(item.int("id") == nvr.alertID && item["subjectName"] as? String == "site-nvr-41" && item.int("subjectId") == 41)
            #expect(item["recoveredAt"] == nil && item["acknowledgedBy"] == nil)

            let recovered = try await api.viewer(.get, "/api/alerts?state=recovered&limit=1&page=1")
            let gate = try #require(recovered.json.objects("alerts").first)
            #expect(gate.int("id") == camera.alertID && gate["details"] as? String == "HTTP 500")
            #expect(gate.int("recoveredAt") != nil && gate.int("durationMs") == gate.int("recoveredAt")! - gate.int("startedAt")!)
            let account = try await api.viewer(.get, "/api/alerts?kind=cloud_credentials_rejected")
            #expect(account.json.objects("alerts").first?["subjectId"] == nil)

            #expect(try await api.viewer(.get, "/api/alerts?state=closed").errorField == "state")
            #expect(try await api.viewer(.get, "/api/alerts?kind=fire").errorField == "kind")
            #expect(try await api.call(.get, "/api/alerts").status == .unauthorized)

            // A viewer acknowledges; a second acknowledgement (an admin's) keeps the first.
            let acked = try await api.call(.post, "/api/alerts/\(nvr.alertID)/ack", key: api.viewerKey)
            #expect(acked.status == .ok, "\(acked.text)")
            let first = acked.json.object("alert")
            #expect(first["acknowledgedBy"] as? String == "test-viewer" && first.int("acknowledgedAt") != nil)
            let again = try await api.admin(.post, "/api/alerts/\(nvr.alertID)/ack")
            #expect(again.status == .ok)
            #expect(again.json.object("alert")["acknowledgedBy"] as? String == "test-viewer")
            #expect(again.json.object("alert").int("acknowledgedAt") == first.int("acknowledgedAt"))
            #expect(try await api.admin(.post, "/api/alerts/999999/ack").status == .notFound)
            #expect(try await api.admin(.post, "/api/alerts/x/ack").status == .notFound)
            #expect(try await api.call(.post, "/api/alerts/\(nvr.alertID)/ack").status == .unauthorized)
        }
    }
}
