import Logging
import ServiceLifecycle
import UnixSignals

/// Every role runs the same way: one ServiceGroup that owns SIGTERM/SIGINT and shuts its
/// services down in reverse order, draining each, within 30 s (a gateway: 30 s more than its
/// drain window); then cancels what is left.
enum RoleRunner {
    static func run(_ services: [any Service], logger: Logger, shutdownLimit: Duration = .seconds(30)) async throws {
        var configuration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = shutdownLimit
        try await ServiceGroup(configuration: configuration).run()
    }
}
