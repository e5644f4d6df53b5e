import ArgumentParser
import Foundation
import Logging
import LookoutCore
import NIOCore
import NIOPosix
import PostgresNIO

/// Runs `body` with a running PostgresClient for one command, then stops it.
///
/// PostgreSQL must answer first: the pool retries a refused connection forever, so a command
/// run against a database that is down or misnamed would hang. Instead it ends with one line on
/// stderr naming the address and the reason, and exit code 69 (`EX_UNAVAILABLE`, sysexits.h).
func withPostgres<T: Sendable>(_ settings: LookoutSettings, _ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws -> T {
    let configuration = settings.postgresConfiguration()
    var logger = LoggingBootstrap.logger("lookout.postgres")
    // The pool logs each failed connection attempt at info: one line from us says it instead.
    logger.logLevel = max(logger.logLevel, .warning)
    let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            await client.run()
            return nil
        }
        defer { group.cancelAll() }
        if let problem = await PostgresReachability.problem(client: client, configuration: configuration) {
            FileHandle.standardError.write(Data("error: \(problem)\n".utf8))
            throw ExitCode(69)
        }
        return try await body(client)
    }
}

/// Whether the database answers a `SELECT 1` in time, and if not, why, in words.
enum PostgresReachability {
    static let timeout: Duration = .seconds(10)

    /// nil when PostgreSQL answered; otherwise one line naming the setting, the address and the cause.
    static func problem(client: PostgresClient, configuration: PostgresClient.Configuration) async -> String? {
        let address = configuration.unixSocketPath ?? "\(configuration.host ?? "?"):\(configuration.port ?? 5432)"
        let prefix = "PostgreSQL unreachable at \(address) (\(Setting.databaseURL.environmentName))"
        // A socket that cannot even connect says why at once (refused, unknown host).
        if let host = configuration.host, let port = configuration.port, let refusal = await connectProblem(host: host, port: port) {
            return "\(prefix): \(refusal)"
        }
        let answered: Bool = await withTaskGroup(of: Bool?.self) { group in
            group.addTask { (try? await client.query("SELECT 1").collect()) != nil }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            return await group.next().flatMap { $0 } ?? false
        }
        return answered ? nil : "\(prefix): no answer to SELECT 1 within \(timeout) (credentials, database name or TLS?)"
    }

    /// Why a TCP connection to `host:port` fails, or nil when it opens.
    static func connectProblem(host: String, port: Int) async -> String? {
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(5))
                .connect(host: host, port: port).get()
            try? await channel.close()
            return nil
        } catch {
            return reason(error)
        }
    }

    /// `connection refused`, `unknown host`, `connection timed out`: the cause without NIO's wrapping.
    static func reason(_ error: any Error) -> String {
        switch error {
        case let error as NIOConnectionError:
            if let failure = error.connectionErrors.first { return reason(failure.error) }
            return error.dnsAError != nil || error.dnsAAAAError != nil ? "unknown host \(error.host)" : "cannot connect"
        case let error as IOError:
            return String(cString: strerror(error.errnoCode)).lowercased()
        case ChannelError.connectTimeout:
            return "connection timed out"
        default:
            return "\(error)"
        }
    }
}
