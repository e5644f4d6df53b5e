import ArgumentParser
import AsyncHTTPClient
import Foundation
import LookoutCore
import NIOCore
import NIOHTTP1

/// `lookout healthcheck`: exit 0 when a Lookout process answers 200 on its health URL, 1
/// otherwise. The image's HEALTHCHECK (slim images have no curl), and handy for systemd and
/// probes. Without `--url` it asks this container's gateway: `/healthz` on LOOKOUT_HTTP_PORT.
struct HealthcheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "healthcheck",
        abstract: "Exit 0 if a gateway or worker answers 200 on its health URL, else 1 (for HEALTHCHECK, systemd, probes).")

    @OptionGroup var settings: SettingsOptions
    @Option(help: "The URL to ask (default: http://127.0.0.1:<LOOKOUT_HTTP_PORT>/healthz; a worker: http://127.0.0.1:9091/healthz).")
    var url: String?
    @Option(help: "Seconds to wait for the answer.") var timeout = 3

    func run() async throws {
        let target = try url ?? Self.defaultURL(settings.load())
        do {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: target), timeout: .seconds(Int64(timeout)))
            guard response.status == .ok else {
                FileHandle.standardError.write(Data("lookout healthcheck: \(target): \(response.status.code)\n".utf8))
                throw ExitCode(1)
            }
            print("\(target): 200")
        } catch let exit as ExitCode {
            throw exit
        } catch {
            FileHandle.standardError.write(Data("lookout healthcheck: \(target): \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// The gateway of this host: its listen address, or loopback when it listens on all of them.
    static func defaultURL(_ settings: LookoutSettings) -> String {
        let host = ["0.0.0.0", "::", "[::]", ""].contains(settings.httpHost) ? "127.0.0.1" : settings.httpHost
        return "http://\(host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host):\(settings.httpPort)/healthz"
    }
}
