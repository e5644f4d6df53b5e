import Hummingbird
public import Logging
import NIOCore
import ServiceLifecycle

/// Runs a ``MediaMTXDouble`` on a loopback port, and stops and restarts it there, so a client
/// sees connections refused while it is stopped (MediaMTX down) and the same port when it is back.
public actor MediaMTXDoubleServer {
    public nonisolated let double: MediaMTXDouble
    public nonisolated let host: String
    /// The bound port (the one asked for, or the one the OS gave for 0), once started.
    public private(set) var port: Int
    private var running: (group: ServiceGroup, task: Task<Void, any Error>)?
    let logger: Logger

    public init(double: MediaMTXDouble, host: String = "127.0.0.1", port: Int = 0, logger: Logger) {
        self.double = double
        self.host = host
        self.port = port
        self.logger = logger
    }

    /// `http://host:port`.
    public var baseURL: String { "http://\(host):\(port)" }

    /// Starts listening; returns once the port is bound. Restarting reuses the first port.
    public func start() async throws {
        guard running == nil else { return }
        let (bound, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: double.router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "mediamtx-double"),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger)
        // In a ServiceGroup so that `stop()` shuts the server down gracefully: cancelling
        // `app.run()` while it accepts a connection trips NIO's "NIOAsyncWriter deinited without
        // finish()" assertion in debug builds (it crashed `make test` once).
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        running = (group, Task { try await group.run() })
        for await value in bound {
            port = value
            return
        }
    }

    /// Stops listening: new connections are refused until ``start()``.
    public func stop() async {
        guard let running else { return }
        await running.group.triggerGracefulShutdown()
        _ = try? await running.task.value
        self.running = nil
    }
}
