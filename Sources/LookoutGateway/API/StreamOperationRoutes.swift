import Hummingbird
import LookoutCore

/// Camera discovery, renewal requests and the renewal dead set, routed to the configured
/// ``StreamOperations``; without one (a gateway started without the streams side) each route
/// answers 503 in the error shape.
struct StreamOperationRoutes: Sendable {
    let operations: (any StreamOperations)?
    let configuration: APIConfiguration

    func register(on router: RouteTable) {
        router.post("/api/hikvision/initialize", .admin) { _, _ in
            try JSONResponse.make(Success(Discovery(report: try await available().discover())))
        }
        router.post("/api/hikvision/renew", .admin) { request, _ in
            let body = try await JSONBody.read(request, limit: configuration.maxBodySize, optional: true)
            let ids = try body.integers("cameraIds", in: 1...Int64.max, maxCount: 10_000)
            if let ids, ids.isEmpty { throw APIError.invalidField("cameraIds", "cameraIds must not be empty; leave it out to renew every camera") }
            let report = try await available().renew(cameraIDs: ids)
            return try JSONResponse.make(Success(Renewal(report: report)), status: .accepted)
        }
        router.get("/api/renewals/dead", .viewer) { _, _ in
            try JSONResponse.make(Success(DeadList(renewals: try await available().deadRenewals())))
        }
        router.post("/api/renewals/dead/retry", .admin) { _, _ in
            try JSONResponse.make(Success(Retried(retried: try await available().retryDead(cameraID: nil))))
        }
        router.post("/api/renewals/dead/:cameraId/retry", .admin) { _, context in
            let id = try routeID(context, "cameraId", what: "camera")
            let retried = try await available().retryDead(cameraID: id)
            guard retried > 0 else { throw APIError.notFound("camera \(id) has no dead renewal") }
            return try JSONResponse.make(Success(Retried(retried: retried)))
        }
    }

    struct Discovery: Encodable, Sendable {
        let report: DiscoveryReport
    }

    struct Renewal: Encodable, Sendable {
        let report: RenewalRequestReport
    }

    struct DeadList: Encodable, Sendable {
        let renewals: [DeadRenewal]
    }

    struct Retried: Encodable, Sendable {
        let retried: Int
    }

    private func available() throws(APIError) -> any StreamOperations {
        guard let operations else { throw APIError.unavailable("stream operations are not configured on this gateway") }
        return operations
    }
}
