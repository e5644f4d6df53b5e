import Foundation
public import Logging
import ServiceLifecycle
import UnixSignals

/// `lookout simulate nvrs`: runs `count` simulated agents against `gatewayURL` until SIGINT or
/// SIGTERM, printing a status line to stdout every 5 s and a summary at the end.
///
/// With `tokenFile` the first `count` entries of that file are used (fewer is an error);
/// without one the agents are `sim-nvr-0001`, `sim-nvr-0002`, … with no token, which only
/// works when the gateway runs with `LOOKOUT_ALLOW_HOSTNAME_ONLY_AUTH=true`.
/// - Parameter churn: agents per second that disconnect and reconnect 1–5 s later.
/// - Throws: `SimulateNVRsError` for bad arguments or token file; the service group's errors.
public func runNVRFleet(count: Int, gatewayURL: String, churn: Double, tokenFile: String?, logger: Logger) async throws {
    let credentials = try fleetCredentials(count: count, tokenFile: tokenFile)
    guard churn.isFinite, churn >= 0 else { throw SimulateNVRsError.invalidChurn(churn) }
    var options = NVRFleet.Options()
    options.churnRate = churn
    let fleet = NVRFleet(credentials: credentials, gatewayURL: gatewayURL, options: options, logger: logger)
    let reporter = FleetStatusReporter(fleet: fleet) { stats in
        printStatus(stats.statusLine)
    }
    let group = ServiceGroup(
        configuration: .init(
            services: [
                .init(service: fleet, successTerminationBehavior: .gracefullyShutdownGroup, serviceName: "nvr-fleet"),
                .init(service: reporter, successTerminationBehavior: .ignore, serviceName: "fleet-status"),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
    )
    try await group.run()
    let stats = fleet.stats
    let closes = stats.disconnectsByCloseCode.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
    printStatus(
        "connects \(stats.connects), disconnects by close code [\(closes.joined(separator: ", "))], "
            + "without close frame \(stats.disconnectsWithoutCloseFrame), connect failures \(stats.connectFailures), "
            + "auth failures \(stats.authFailures), heartbeat acks \(stats.heartbeatAcks)"
    )
}

/// The credentials `runNVRFleet` uses: the first `count` of the token file, or simulated
/// hostnames without tokens.
func fleetCredentials(count: Int, tokenFile: String?) throws(SimulateNVRsError) -> [NVRCredential] {
    guard count >= 1 else { throw .invalidCount(count) }
    guard let tokenFile else { return NVRCredential.simulated(count: count) }
    let file: TokenFile
    do {
        file = try TokenFile.read(path: tokenFile)
    } catch {
        throw .tokenFile(path: tokenFile, error)
    }
    guard file.entries.count >= count else {
        throw .notEnoughTokens(path: tokenFile, available: file.entries.count, needed: count)
    }
    return Array(file.entries.prefix(count))
}

/// The CLI-facing output: one line to stdout, flushed so it shows when piped.
private func printStatus(_ line: String) {
    print(line)
    fflush(nil)
}
