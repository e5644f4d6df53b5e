import HTTPTypes
import HummingbirdTesting
import LookoutTestSupport
import Testing

/// `/metrics`: Prometheus text with request counts by route and status, and connection gauges.
@Suite struct MetricsTests {
    @Test func requestsAreCountedByRouteAndStatus() async throws {
        try await withAPI { api async throws in
            _ = try await api.viewer(.get, "/api/nvr")
            _ = try await api.viewer(.get, "/api/nvr")
            _ = try await api.call(.get, "/api/nvr")
            _ = try await api.call(.get, "/no/such/path")
            let metrics = try await api.call(.get, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = metrics.text
            #expect(text.contains(#"lookout_http_requests_total{method="GET",route="/api/nvr",status="200"} 2"#), "\(text)")
            #expect(text.contains(#"lookout_http_requests_total{method="GET",route="/api/nvr",status="401"} 1"#))
            #expect(text.contains(#"lookout_http_requests_total{method="GET",route="NotFound",status="404"} 1"#))
            #expect(text.contains("lookout_http_request_duration_seconds_bucket"))
            #expect(text.contains("lookout_nvr_connections 0"))
            #expect(text.contains("lookout_dashboard_connections 0"))
        }
    }
}
