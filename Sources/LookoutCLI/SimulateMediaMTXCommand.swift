import ArgumentParser
import Hummingbird
import Logging
import LookoutMediaMTXSimulator

/// `lookout simulate mediamtx --port P`: the MediaMTX Control API double, for demos and tests.
struct SimulateMediaMTXCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mediamtx",
        abstract: "A MediaMTX Control API v3 double (paths config and runtime, HLS behind authHTTPAddress, /sim/ test controls).")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (MediaMTX's API uses 9997).") var port = 9997
    @Option(help: "Milliseconds between a change's 200 and its application.") var applyDelayMs = 50
    @Option(help: "Require Basic auth with this user (with --pass).") var user: String?
    @Option(help: "Password for --user.") var pass: String?
    @Option(help: "MediaMTX's authHTTPAddress: HLS readers are asked about there (e.g. http://127.0.0.1:8080/mediamtx/auth); unset: open.")
    var authHTTPAddress: String?

    func run() async throws {
        LoggingBootstrap.run(level: .info)
        let logger = LoggingBootstrap.logger("lookout.simulate.mediamtx")
        var options = MediaMTXDouble.Options()
        options.applyDelay = .milliseconds(applyDelayMs)
        options.authHTTPAddress = authHTTPAddress
        let double = MediaMTXDouble(options: options, logger: logger)
        if let user { await double.requireCredentials(user: user, pass: pass ?? "") }
        let app = Application(
            router: double.router(), configuration: .init(address: .hostname(host, port: port), serverName: "mediamtx-double"), logger: logger)
        print("MediaMTX API and HLS double on http://\(host):\(port) (controls under /sim/)")
        try await app.runService()
    }
}
