import ArgumentParser
import Foundation
import LookoutCore
import LookoutStore
import PostgresNIO

/// `lookout nvr add`: provisioning for ops and tests (the HTTP API uses the same repository).
struct NVRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "nvr", abstract: "Manage NVRs.", subcommands: [Add.self, Link.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an NVR with K cameras and print its token once (only its hash is stored).")

        @OptionGroup var settings: SettingsOptions
        @Option(help: "The hostname its agent authenticates with.") var hostname: String
        @Option(help: "A display name.") var name: String?
        @Option(help: "Cameras to attach.") var cameras = 0
        @Option(help: "Also append 'hostname<TAB>token' to this file (for `lookout simulate nvrs`).") var tokenFile: String?
        @Flag(help: "Its agent may authenticate with its hostname alone (the old system's agents); a token still works.")
        var hostnameOnlyAuth = false

        func validate() throws {
            if let problem = Hostname.problem(hostname) { throw ValidationError(problem) }
            guard (0...64).contains(cameras) else { throw ValidationError("--cameras must be 0 to 64") }
        }

        func run() async throws {
            let settings = try settings.load(requiring: [.databaseURL])
            let (nvr, token) = try await withPostgres(settings) { client in
                try await PostgresNVRRepository(client: client).create(
                    hostname: hostname, name: name ?? hostname, cameraCount: cameras, hostnameOnlyAuth: hostnameOnlyAuth)
            }
            if let tokenFile { try TokenFileAppender.append(hostname: hostname, token: token, to: tokenFile) }
            print("NVR \(nvr.id) \(nvr.hostname) created with \(nvr.cameras.count) cameras.")
            print("token: \(token)")
            print("(shown once; only its hash is stored)")
        }
    }
}

extension NVRCommand {
    /// `lookout nvr link --hostname H --device-serial S`: which Hik-Connect device the NVR is, so
    /// discovery links its cameras to it.
    struct Link: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Link an NVR to its Hik-Connect device serial (discovery links its cameras).")

        @OptionGroup var settings: SettingsOptions
        @Option(help: "The NVR's hostname.") var hostname: String
        @Option(help: "Its Hik-Connect device serial.") var deviceSerial: String

        func validate() throws {
            if let problem = Hostname.problem(hostname) { throw ValidationError(problem) }
            guard deviceSerial.utf8.count <= 64, !deviceSerial.isEmpty, deviceSerial.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw ValidationError("--device-serial must be 1 to 64 letters and digits (as Hik-Connect shows it)")
            }
        }

        func run() async throws {
            let settings = try settings.load(requiring: [.databaseURL])
            // Hik-Connect's serials are upper case; discovery stores them as the cloud sends them.
            let serial = deviceSerial.uppercased()
            let hostname = self.hostname
            let outcome = try await withPostgres(settings) { client in
                try await CLIStoreErrors.exitOnRefusal {
                    try await PostgresDiscoveryStore(client: client).linkDeviceSerial(hostname: hostname, serial: serial)
                }
            }
            print("NVR \(hostname) linked to device \(serial): \(outcome.linked) cameras linked, \(outcome.detached) detached from its previous device.")
        }
    }
}

enum TokenFileAppender {
    static func append(hostname: String, token: String, to path: String) throws {
        let line = Data("\(hostname)\t\(token)\n".utf8)
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: line)
    }
}
