import Foundation
import LookoutCore
import LookoutHikConnect
import LookoutHikSimulator
import LookoutStore
import LookoutTestSupport
import LookoutWorkers
import Testing

/// The renewal worker's alerts (issue 13, item 5): `renewal_failing` while a camera's renewal
/// retries, recovered by the renewal that succeeds; `cloud_credentials_rejected` once for a
/// pause, recovered when the probe lifts it.
@Suite(.timeLimit(.minutes(1))) struct RenewalAlertTests {
    @Test func aFailingRenewalOpensAnAlertThatItsSuccessRecovers() async throws {
        try await RenewalHarness.with(configure: { $0.circuitBreaker = .init(failureThreshold: 100_000, cooldown: .seconds(1)) }) { harness in
            let id = try #require(try await harness.discover().first)
            let worker = try harness.worker { $0.concurrency = 1 }
            try await harness.running(worker) {
                #expect(await eventually(timeout: .seconds(10)) { (try? await harness.sql("SELECT stream_url IS NOT NULL FROM cameras WHERE id = \(id)")) == "t" })
                harness.control.failNext(100_000, status: 500)
                try await harness.queue.schedule(cameraID: id, dueAt: unixMillis())
                #expect(await eventually(timeout: .seconds(10)) { (try? await harness.alertStates()) == ["renewal_failing:open"] })
                harness.control.failNext(0)
                #expect(await eventually(timeout: .seconds(10)) { (try? await harness.alertStates()) == ["renewal_failing:recovered"] })
                let alert = try #require(try await harness.alerts.list().alerts.first)
                #expect(alert.subjectId == id && alert.details?.contains("://") == false)
            }
        }
    }

    @Test func refusedCredentialsOpenOneAlertRecoveredWhenRenewalsResume() async throws {
        try await RenewalHarness.with(devices: 1, channels: 2) { harness in
            _ = try await harness.discover()
            harness.control.update { $0.secretKey = "rotated-secret" }
            harness.control.revokeTokens()
            let worker = try harness.worker { $0.credentialProbe = .milliseconds(300) }
            try await harness.running(worker) {
                #expect(await eventually { (try? await harness.alertStates()) == ["cloud_credentials_rejected:open"] })
                harness.control.update { $0.secretKey = "sim-secret-key" }
                #expect(await eventually(timeout: .seconds(10)) { (try? await harness.alertStates()) == ["cloud_credentials_rejected:recovered"] })
                let alert = try #require(try await harness.alerts.list().alerts.first)
                #expect(alert.subjectType == .account && alert.subjectId == nil && alert.subjectName == "Hik-Connect account")
            }
        }
    }
}
