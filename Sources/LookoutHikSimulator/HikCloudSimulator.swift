import Hummingbird
public import Logging
public import ServiceLifecycle
import Synchronization

/// The Hik-Connect for Teams cloud as a local HTTP server: the same paths, envelopes, error
/// codes, field types and units as `shared/reference/hik-connect-openapi.md`, over a seeded
/// inventory, with switches for the failures a client must survive (`HikSimulatorControl`,
/// `/sim/…`). Run it as a `Service`; `baseURL` tells where it listens.
public final class HikCloudSimulator: Service, Sendable {
    public let control: HikSimulatorControl
    let logger: Logger
    private let listening = Mutex(Listening())

    private struct Listening {
        var baseURL: String?
        var waiters: [CheckedContinuation<String, Never>] = []
    }

    public init(options: Options = Options(), logger: Logger) {
        control = HikSimulatorControl(options: options)
        self.logger = logger
    }

    /// Serves until graceful shutdown or cancellation.
    public func run() async throws {
        let options = control.options
        let router = Router(context: BasicRequestContext.self)
        HikSimulatorAPIRoutes(control: control, logger: logger).register(on: router)
        HikSimulatorControlRoutes(control: control).register(on: router)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "hik-cloud-simulator"),
            onServerRunning: { [self] channel in didStart(port: channel.localAddress?.port ?? options.port, host: options.host) },
            logger: logger)
        try await app.run()
    }

    /// `http://HOST:PORT` once the server listens; waits until then.
    public var baseURL: String {
        get async {
            await withCheckedContinuation { continuation in
                let ready: String? = listening.withLock { state in
                    if let url = state.baseURL { return url }
                    state.waiters.append(continuation)
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }

    private func didStart(port: Int, host: String) {
        let url = "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        control.setBaseURL(url)
        let waiters = listening.withLock { state in
            state.baseURL = url
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: url) }
        logger.info(
            "Hik-Connect simulator listening",
            metadata: [
                "lookout.hik.base_url": "\(url)", "lookout.hik.devices": "\(control.inventory.devices.count)",
                "lookout.hik.cameras": "\(control.inventory.cameras.count)",
            ])
    }
}
