import Logging
import ServiceLifecycle
import UnixSignals

/// Every role runs the same way: one ServiceGroup that owns SIGTERM/SIGINT and shuts its
/// services down in reverse order, draining each, within 30 s; then cancels what is left.
enum RoleRunner {
    static func run(_ services: [any Service], logger: Logger) async throws {
        var configuration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(30)
        try await ServiceGroup(configuration: configuration).run()
    }
}
