import ArgumentParser
import Foundation
import LookoutCore
import LookoutRedis
import LookoutWorkers

/// `lookout renew --camera ID … | --all`: the same path as `POST /api/hikvision/renew`.
struct RenewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "renew", abstract: "Enqueue stream renewals now: pulls pending ones earlier, never duplicates them.")

    @OptionGroup var settings: SettingsOptions
    @Option(name: .customLong("camera"), help: "A camera id; repeat for several.") var cameras: [Int64] = []
    @Flag(help: "Every enabled camera.") var all = false

    func validate() throws {
        guard all != !cameras.isEmpty else { throw ValidationError("give --camera ID (one or more) or --all") }
    }

    func run() async throws {
        let settings = try settings.load(requiring: [.redisURL, .databaseURL])
        let logger = LoggingBootstrap.logger("lookout.renew")
        let report = try await withRedis(settings, logger: logger) { redis in
            try await withPostgres(settings) { postgres in
                try await StreamsFactory(settings: settings, redis: redis, postgres: postgres, logger: logger).operations
                    .renew(cameraIDs: all ? nil : cameras)
            }
        }
        print(
            "requested \(report.requested): enqueued \(report.enqueued), moved earlier \(report.movedEarlier), "
                + "unchanged \(report.unchanged), skipped \(report.skipped)")
    }
}

/// `lookout discover`: the same path as `POST /api/hikvision/initialize`.
struct DiscoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover", abstract: "Find every camera in the Hik-Connect account, link it to its NVR, schedule its first renewal.")

    @OptionGroup var settings: SettingsOptions

    func run() async throws {
        let settings = try settings.load(requiring: [.redisURL, .databaseURL, .hikAppKey])
        let logger = LoggingBootstrap.logger("lookout.discover")
        let report = try await withRedis(settings, logger: logger) { redis in
            try await withPostgres(settings) { postgres in
                try await StreamsFactory(settings: settings, redis: redis, postgres: postgres, logger: logger).operations.discover()
            }
        }
        print(
            "devices \(report.devices), cameras \(report.cameras): created \(report.created), updated \(report.updated), "
                + "unchanged \(report.unchanged)")
    }
}
