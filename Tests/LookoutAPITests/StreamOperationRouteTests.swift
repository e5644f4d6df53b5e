import HTTPTypes
import HummingbirdTesting
import LookoutCore
import Synchronization
import LookoutTestSupport
import Testing

/// Discovery, renewal requests and the dead set: routed to `StreamOperations`, 503 without one.
@Suite struct StreamOperationRouteTests {
    @Test func withoutStreamOperationsTheRoutesAnswer503() async throws {
        try await withAPI { api async throws in
            for (method, path) in [
                (HTTPRequestMethod.post, "/api/hikvision/initialize"), (.post, "/api/hikvision/renew"), (.get, "/api/renewals/dead"),
                (.post, "/api/renewals/dead/retry"), (.post, "/api/renewals/dead/4/retry"),
            ] {
                let response = try await api.call(method.value, path, key: api.adminKey)
                #expect(response.status == .serviceUnavailable, "\(path)")
                #expect(response.errorCode == "unavailable")
            }
        }
    }

    @Test func routesReachTheOperations() async throws {
        let fake = FakeStreamOperations()
        try await withAPI(streamOperations: fake) { api async throws in
            let discovered = try await api.admin(.post, "/api/hikvision/initialize")
            #expect(discovered.status == .ok)
            #expect(discovered.json.object("report").int("created") == 3)

            let all = try await api.admin(.post, "/api/hikvision/renew")
            #expect(all.status == .accepted)
            #expect(all.json.object("report").int("requested") == 10)
            let some = try await api.admin(.post, "/api/hikvision/renew", json: #"{"cameraIds":[4,5]}"#)
            #expect(some.json.object("report").int("requested") == 2)
            #expect(fake.renewed == [nil, [4, 5]])
            #expect(try await api.admin(.post, "/api/hikvision/renew", json: #"{"cameraIds":[]}"#).errorField == "cameraIds")
            #expect(try await api.admin(.post, "/api/hikvision/renew", json: #"{"cameraIds":["4"]}"#).status == .unprocessableContent)
            #expect(try await api.admin(.post, "/api/hikvision/renew", json: #"{"cameraIds":[99]}"#).status == .notFound)
            #expect(try await api.call(.post, "/api/hikvision/renew", key: api.viewerKey).status == .forbidden)

            let dead = try await api.viewer(.get, "/api/renewals/dead")
            #expect(dead.json.objects("renewals").first?.int("cameraId") == 4)
            #expect(try await api.admin(.post, "/api/renewals/dead/retry").json.int("retried") == 1)
            #expect(try await api.admin(.post, "/api/renewals/dead/4/retry").json.int("retried") == 1)
            #expect(try await api.admin(.post, "/api/renewals/dead/5/retry").status == .notFound)
        }
    }
}

/// `HTTPRequest.Method` by a name the test table can hold.
struct HTTPRequestMethod: Sendable {
    let value: HTTPRequest.Method
    static let get = HTTPRequestMethod(value: .get)
    static let post = HTTPRequestMethod(value: .post)
}

final class FakeStreamOperations: StreamOperations {
    private let calls = Mutex<[[Int64]?]>([])
    var renewed: [[Int64]?] { calls.withLock { $0 } }

    func discover() async throws -> DiscoveryReport {
        DiscoveryReport(devices: 1, cameras: 3, created: 3, updated: 0, unchanged: 0)
    }

    func renew(cameraIDs: [Int64]?) async throws -> RenewalRequestReport {
        if cameraIDs?.contains(99) == true { throw StreamOperationError(.unknownCameras, "no camera has id 99", cameraIDs: [99]) }
        calls.withLock { $0.append(cameraIDs) }
        return RenewalRequestReport(requested: cameraIDs?.count ?? 10, enqueued: cameraIDs?.count ?? 10, movedEarlier: 0, unchanged: 0, skipped: 0)
    }

    func deadRenewals() async throws -> [DeadRenewal] {
        [DeadRenewal(cameraId: 4, attempts: 5, error: "device offline", failedAt: 1_700_000_000_000)]
    }

    func retryDead(cameraID: Int64?) async throws -> Int {
        cameraID == nil || cameraID == 4 ? 1 : 0
    }
}
