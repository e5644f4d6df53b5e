import ArgumentParser
import Foundation
import Logging
import LookoutHikSimulator

/// `lookout simulate hik-cloud`: the Hik-Connect cloud as a local HTTP server.
struct SimulateHikCloudCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hik-cloud",
        abstract: "A Hik-Connect for Teams OpenAPI double: seeded cameras, expiring RTMP URLs, 5 req/s, switches under /sim/.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port).") var port = 8089
    @Option(help: "Simulated NVRs.") var devices = 4
    @Option(help: "Cameras per NVR.") var channels = 4
    @Option(help: "Seed of the inventory's ids.") var seed: UInt64 = 1
    @Option(help: "The account's appKey.") var appKey = "sim-app-key"
    @Option(help: "The account's secretKey.") var secretKey = "sim-secret-key"
    @Option(help: "Lifetime of every new live URL in seconds (default: what the request asks, 7 days).") var urlLifetime: Int?
    @Option(help: "host[:port] the RTMP URLs point at.") var rtmpHost = "127.0.0.1"
    @Option(help: "Milliseconds added before every API answer.") var latencyMs = 0
    @Option(help: "Requests per second before the rate-limit error (0: no limit).") var rateLimit = 5
    @Option(help: "errorCode of the rate-limit answer (EVZ10029 or OPEN000027).") var rateLimitCode = "EVZ10029"
    @Option(help: "areaDomain answered by token/get (default: this server's URL).") var areaDomain: String?
    @Flag(help: "Every device has stream encryption on.") var encryption = false
    @Flag(help: "token/get issues a new token instead of extending the current one.") var newTokenOnRefresh = false
    @Flag(help: "Send numbers as strings (and numeric strings as numbers).") var numbersAsStrings = false

    func run() async throws {
        LoggingBootstrap.run(level: .info)
        let logger = LoggingBootstrap.logger("lookout.simulate.hik-cloud")
        var options = HikCloudSimulator.Options()
        (options.host, options.port, options.devices, options.channels, options.seed) = (host, port, devices, channels, seed)
        (options.appKey, options.secretKey, options.areaDomain) = (appKey, secretKey, areaDomain)
        (options.urlLifetimeSeconds, options.rtmpHost, options.latencyMilliseconds) = (urlLifetime, rtmpHost, latencyMs)
        (options.rateLimitPerSecond, options.enforceRateLimit, options.rateLimitErrorCode) = (rateLimit, rateLimit > 0, rateLimitCode)
        (options.encryption, options.newTokenOnRefresh, options.numbersAsStrings) = (encryption, newTokenOnRefresh, numbersAsStrings)
        let simulator = HikCloudSimulator(options: options, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await RoleRunner.run([simulator], logger: logger) }
            group.addTask {
                let url = await simulator.baseURL
                let cameras = simulator.control.inventory.cameras.count
                FileHandle.standardOutput.write(Data("\(url)\n\(devices) devices, \(cameras) cameras; control endpoints under \(url)/sim/\n".utf8))
            }
            try await group.waitForAll()
        }
    }
}
