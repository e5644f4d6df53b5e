import ArgumentParser
import Foundation
import LookoutCore
import LookoutNotify
import LookoutRedis
import LookoutStore

/// `lookout dead list|replay`: the presence dead letters, the renewal dead set and alert webhook
/// deliveries that gave up, the same operations as `GET /api/dead` and `POST /api/dead/replay`
/// (alert deliveries are replayed here only).
struct DeadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead", abstract: "List and replay presence dead letters and dead renewals.", subcommands: [List.self, Replay.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List dead letters: kind, id (what replay takes), attempts, when or original id, error, the event.")

        @OptionGroup var settings: SettingsOptions

        func run() async throws {
            let settings = try settings.load(requiring: [.redisURL, .databaseURL])
            let (presence, renewals, alerts) = try await withDeadSets(settings) { letters, operations, outbox in
                (try await letters.list(), try await operations.deadRenewals(), try await outbox.dead())
            }
            print(["kind", "id", "attempts", "origin", "error", "event"].joined(separator: "\t"))
            for letter in presence {
                let event = letter.fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                print(["presence", letter.id, "\(letter.attempts)", letter.originalID, letter.error, event].joined(separator: "\t"))
            }
            for renewal in renewals {
                let at = Date(timeIntervalSince1970: Double(renewal.failedAt) / 1000).formatted(.iso8601)
                print(["renewal", "\(renewal.cameraId)", "\(renewal.attempts)", at, renewal.error, "-"].joined(separator: "\t"))
            }
            for delivery in alerts {
                let at = Date(timeIntervalSince1970: Double(delivery.diedAt ?? delivery.createdAt) / 1000).formatted(.iso8601)
                let event = "alert=\(delivery.alertId) event=\(delivery.event) target=\(delivery.target)"
                print(["alert", "\(delivery.id)", "\(delivery.attempts)", at, delivery.error ?? "-", event].joined(separator: "\t"))
            }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay presence dead letters (back into the presence stream) and dead renewals (scheduled now).")

        @OptionGroup var settings: SettingsOptions
        @Option(name: .customLong("presence"), help: "A presence dead letter's id (lookout dead list); repeat for several.")
        var presence: [String] = []
        @Option(name: .customLong("camera"), help: "A camera id with a dead renewal; repeat for several.") var cameras: [Int64] = []
        @Option(name: .customLong("alert"), help: "A dead alert delivery's id (lookout dead list); repeat for several.")
        var alertDeliveries: [Int64] = []
        @Flag(help: "Every presence dead letter that is a presence event, every dead renewal and every dead alert delivery.") var all = false

        func validate() throws {
            guard all != !(presence.isEmpty && cameras.isEmpty && alertDeliveries.isEmpty) else {
                throw ValidationError("give --presence ID, --camera ID, --alert ID (one or more) or --all")
            }
        }

        func run() async throws {
            let settings = try settings.load(requiring: [.redisURL, .databaseURL])
            let (all, presence, cameras, alerts) = (self.all, self.presence, self.cameras, self.alertDeliveries)
            do {
                let (report, replayedAlerts) = try await withDeadSets(settings) { letters, operations, outbox in
                    let report =
                        all || !(presence.isEmpty && cameras.isEmpty)
                        ? try await DeadReplay(letters: letters, operations: operations).run(all: all, presence: presence, cameras: cameras)
                        : DeadReplay.Report(presence: 0, renewals: 0, skipped: [])
                    let replayedAlerts = all || !alerts.isEmpty ? try await outbox.replayDead(ids: all ? nil : alerts) : 0
                    return (report, replayedAlerts)
                }
                print("replayed \(report.presence) presence entries and \(report.renewals) renewals")
                if all || !alerts.isEmpty { print("replayed \(replayedAlerts) alert deliveries") }
                if !report.skipped.isEmpty {
                    print("left \(report.skipped.count) malformed presence dead letters: \(report.skipped.prefix(20).joined(separator: " "))")
                }
            } catch let error as DeadLetterError {
                FileHandle.standardError.write(Data("lookout dead replay: \(error.message)\n".utf8))
                throw ExitCode(1)
            } catch let error as StreamOperationError {
                FileHandle.standardError.write(Data("lookout dead replay: \(error.message)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}

/// Runs `body` with the presence dead letters, the stream operations (renewal dead set) and the
/// alert outbox (dead webhook deliveries).
private func withDeadSets<T: Sendable>(
    _ settings: LookoutSettings, _ body: @escaping @Sendable (PresenceDeadLetters, any StreamOperations, PostgresAlertOutbox) async throws -> T
) async throws -> T {
    let logger = LoggingBootstrap.logger("lookout.dead")
    return try await withRedis(settings, logger: logger) { redis in
        try await withPostgres(settings) { postgres in
            try await body(
                PresenceDeadLetters(redis: redis, keys: settings.keys),
                StreamsFactory(settings: settings, redis: redis, postgres: postgres, logger: logger).operations,
                PostgresAlertOutbox(client: postgres, logger: logger))
        }
    }
}
