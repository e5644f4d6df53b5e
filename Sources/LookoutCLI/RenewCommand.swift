import ArgumentParser
import Foundation
import LookoutCore
import LookoutRedis
import LookoutStore
import LookoutWorkers

/// `lookout renew --camera ID … | --all [--wait]`: the same path as `POST /api/hikvision/renew`;
/// with `--wait`, follows each renewal to its outcome (``RenewalWait``).
struct RenewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "renew", abstract: "Enqueue stream renewals now: pulls pending ones earlier, never duplicates them.")

    @OptionGroup var settings: SettingsOptions
    @Option(name: .customLong("camera"), help: "A camera id; repeat for several.") var cameras: [Int64] = []
    @Flag(help: "Every enabled camera.") var all = false
    @Flag(help: "Wait for each renewal's outcome, printing progress; exit 1 when one failed or --timeout passed.") var wait = false
    @Option(help: "Seconds --wait waits at most.") var timeout = 300

    func validate() throws {
        guard all != !cameras.isEmpty else { throw ValidationError("give --camera ID (one or more) or --all") }
        guard (1...86_400).contains(timeout) else { throw ValidationError("--timeout must be 1 to 86400 seconds") }
    }

    func run() async throws {
        let settings = try settings.load(requiring: [.redisURL, .databaseURL])
        let logger = LoggingBootstrap.logger("lookout.renew")
        let (all, cameras, wait, timeout) = (self.all, self.cameras, self.wait, self.timeout)
        let waited: RenewalWait.Result? = try await withRedis(settings, logger: logger) { redis in
            try await withPostgres(settings) { postgres in
                let store = PostgresRenewalStore(client: postgres)
                let since = try await store.now()
                let report = try await StreamsFactory(settings: settings, redis: redis, postgres: postgres, logger: logger).operations
                    .renew(cameraIDs: all ? nil : cameras)
                print(
                    "requested \(report.requested): enqueued \(report.enqueued), moved earlier \(report.movedEarlier), "
                        + "unchanged \(report.unchanged), skipped \(report.skipped)")
                for skipped in report.skippedCameras { print("skipped camera \(skipped.cameraId): \(skipped.reason)") }
                guard wait else { return nil }
                let skippedIDs = Set(report.skippedCameras.map(\.cameraId))
                let followed = all ? try await store.schedule().map(\.cameraID) : cameras.filter { !skippedIDs.contains($0) }
                return try await RenewalWait(store: store, since: since, timeout: .seconds(timeout)).follow(Array(Set(followed)).sorted())
            }
        }
        if let waited, !waited.succeeded { throw ExitCode.failure }
    }
}

/// `renew --wait`: polls the renewal history each second until every camera's renewal has an
/// outcome or the timeout passes, printing a progress line when the counts change and a line
/// per failure; the pending ones are named at a timeout.
struct RenewalWait {
    struct Result {
        var renewed = 0
        var failed = 0
        var pending: [Int64] = []
        var succeeded: Bool { failed == 0 && pending.isEmpty }
    }

    let store: PostgresRenewalStore
    let since: Int64
    let timeout: Duration

    func follow(_ cameraIDs: [Int64]) async throws -> Result {
        let deadline = ContinuousClock.now + timeout
        var reported: Set<Int64> = []
        var result = Result()
        var lastLine = ""
        while true {
            let outcomes = try await store.outcomes(cameraIDs: cameraIDs, since: since)
            for (id, outcome) in outcomes.sorted(by: { $0.key < $1.key }) where !reported.contains(id) {
                reported.insert(id)
                if outcome.outcome == "renewed" {
                    result.renewed += 1
                } else {
                    result.failed += 1
                    print("camera \(id): \(outcome.outcome.replacingOccurrences(of: "_", with: " ")): \(outcome.error ?? "no error recorded") (retry scheduled)")
                }
            }
            result.pending = cameraIDs.filter { !reported.contains($0) }
            let line = "renewed \(result.renewed), failed \(result.failed), waiting \(result.pending.count) of \(cameraIDs.count)"
            if line != lastLine {
                print(line)
                fflush(nil)  // every stream: progress shows also when stdout is a pipe
                lastLine = line
            }
            if result.pending.isEmpty { return result }
            if ContinuousClock.now >= deadline {
                print("timed out after \(timeout); still waiting: cameras \(result.pending.map(String.init).joined(separator: ", "))")
                return result
            }
            try await Task.sleep(for: .seconds(1))
        }
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
