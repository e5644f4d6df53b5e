import ArgumentParser
import Foundation
import LookoutCore
import LookoutStore

/// `lookout nvr list` and `lookout camera list`: what PostgreSQL says, as tab-separated rows
/// with a header (easy to read, `cut` and `column -t`), every page of it.
extension NVRCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List NVRs (tab-separated: id, hostname, status, since, last seen, cameras).")

        @OptionGroup var settings: SettingsOptions
        @Option(help: "Only NVRs with this status: online, offline or unknown.", transform: StatusArgument.parse) var status: DeviceStatus?

        func run() async throws {
            let settings = try settings.load(requiring: [.databaseURL])
            let status = self.status
            let nvrs = try await withPostgres(settings) { client in
                let repository = PostgresNVRRepository(client: client)
                var all: [NVRState] = []
                while true {
                    let page = try await repository.list(status: status, offset: all.count, limit: 500)
                    all += page.nvrs
                    if page.nvrs.isEmpty || all.count >= page.total { return all }
                }
            }
            print(["id", "hostname", "status", "since", "last_seen", "cameras"].joined(separator: "\t"))
            for nvr in nvrs {
                print(
                    [String(nvr.id), nvr.hostname, nvr.status.rawValue, ListTime.text(nvr.statusChangedAt), nvr.lastSeenAt.map(ListTime.text) ?? "-",
                     String(nvr.cameras.count)].joined(separator: "\t"))
            }
        }
    }
}

struct CameraCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "camera", abstract: "Inspect cameras.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List cameras (tab-separated: id, nvr, name, status, path, stream expiry, renewal state, last renewal error).")

        @OptionGroup var settings: SettingsOptions
        @Option(help: "Only cameras with this status: online, offline or unknown.", transform: StatusArgument.parse) var status: DeviceStatus?
        @Option(help: "Only the cameras of this NVR id.") var nvr: Int64?

        func run() async throws {
            let settings = try settings.load(requiring: [.databaseURL])
            let (status, nvr) = (self.status, self.nvr)
            let cameras = try await withPostgres(settings) { client in
                let repository = PostgresCameraRepository(client: client)
                var all: [CameraRecord] = []
                while true {
                    let page = try await repository.list(CameraQuery(status: status, nvrId: nvr, offset: all.count, limit: 500))
                    all += page.cameras
                    if page.cameras.isEmpty || all.count >= page.total { return all }
                }
            }
            print(["id", "nvr", "name", "status", "path", "stream_expires", "renewal", "renewal_error"].joined(separator: "\t"))
            for camera in cameras {
                print(
                    [
                        String(camera.id), camera.nvrId.map(String.init) ?? "-", camera.name, camera.status.rawValue, camera.mediamtxPath ?? "-",
                        camera.streamExpiresAt.map(ListTime.text) ?? "none", camera.renewalState,
                        camera.renewalLastError.map { $0.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") } ?? "-",
                    ].joined(separator: "\t"))
            }
        }
    }
}

/// `--status online|offline|unknown`.
enum StatusArgument {
    static func parse(_ text: String) throws -> DeviceStatus {
        guard let status = DeviceStatus(rawValue: text) else { throw ValidationError("--status must be online, offline or unknown") }
        return status
    }
}

/// Times in lists: ISO 8601 in UTC, to the second.
enum ListTime {
    static func text(_ unixMillis: Int64) -> String {
        Date(timeIntervalSince1970: Double(unixMillis) / 1000).formatted(.iso8601)
    }
}
