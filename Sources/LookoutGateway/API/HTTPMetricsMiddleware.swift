import Hummingbird

/// Counts every request by method, matched route and status, and times it. Unmatched paths
/// count as route `NotFound`, so a scanner cannot blow up the label set.
struct HTTPMetricsMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let metrics: HTTPMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let method = request.method.rawValue.count <= 7 ? request.method.rawValue : "OTHER"
        do {
            let response = try await next(request, context)
            metrics.request(method: method, route: context.endpointPath ?? "NotFound", status: response.status.code, duration: .now - started)
            return response
        } catch {
            metrics.request(method: method, route: context.endpointPath ?? "NotFound", status: 500, duration: .now - started)
            throw error
        }
    }
}
