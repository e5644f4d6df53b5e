import ArgumentParser
import Foundation
import LookoutCore
import LookoutStore

/// `lookout apikey create|list|revoke`: the same operations as the admin routes `/api/apikey`.
struct APIKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey", abstract: "Manage API keys.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API key and print it once (only its hash is stored).")

        @OptionGroup var settings: SettingsOptions
        @Option(help: "admin or viewer.") var role: String
        @Option(help: "Who or what it is for.") var name = "unnamed"
        @Option(help: "Days until it stops working (default: never).") var expiresInDays: Int?

        func validate() throws {
            guard APIKeyRole(rawValue: role) != nil else { throw ValidationError("--role must be admin or viewer") }
            if let expiresInDays, !(1...3660).contains(expiresInDays) { throw ValidationError("--expires-in-days must be 1 to 3660") }
            if name.trimmingCharacters(in: .whitespaces).isEmpty || name.count > 200 { throw ValidationError("--name must be 1 to 200 characters") }
        }

        func run() async throws {
            let role = APIKeyRole(rawValue: role)!
            let settings = try settings.load(requiring: [.databaseURL])
            let expiresAt = expiresInDays.map { unixMillis() + Int64($0) * 86_400_000 }
            let key = try await withPostgres(settings) { client in
                try await PostgresAPIKeyRepository(client: client).create(role: role, name: name, expiresAt: expiresAt)
            }
            print(key)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List API keys: id, role, state, name, created, expires, last used.")

        @OptionGroup var settings: SettingsOptions

        func run() async throws {
            let settings = try settings.load(requiring: [.databaseURL])
            let records = try await withPostgres(settings) { client in try await PostgresAPIKeyRepository(client: client).list() }
            let now = unixMillis()
            print(["id", "role", "state", "created", "expires", "last used", "name"].joined(separator: "\t"))
            for record in records {
                let state = record.revokedAt != nil ? "revoked" : record.isActive(now: now) ? "active" : "expired"
                let columns = [
                    "\(record.id)", record.role.rawValue, state, Self.time(record.createdAt), Self.time(record.expiresAt), Self.time(record.lastUsedAt),
                    record.name,
                ]
                print(columns.joined(separator: "\t"))
            }
        }

        static func time(_ millis: Int64?) -> String {
            guard let millis else { return "-" }
            return Date(timeIntervalSince1970: Double(millis) / 1000).formatted(.iso8601)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an API key by id: every request with it fails at once; its open dashboards close within about a second.")

        @OptionGroup var settings: SettingsOptions
        @Option(help: "The key's id (lookout apikey list).") var id: Int64

        func run() async throws {
            let settings = try settings.load(requiring: [.databaseURL])
            let id = self.id
            let record = try await withPostgres(settings) { client in try await PostgresAPIKeyRepository(client: client).revoke(id: id) }
            guard let record else {
                FileHandle.standardError.write(Data("lookout apikey revoke: no API key has id \(id)\n".utf8))
                throw ExitCode(1)
            }
            print("API key \(record.id) (\(record.name), \(record.role.rawValue)) revoked.")
        }
    }
}
