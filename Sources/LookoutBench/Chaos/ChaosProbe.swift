import Foundation
import LookoutSimulator

/// Reads the three views the invariants compare, once a second: the fleet's truth (agents
/// connected now), PostgreSQL (through `psql`, a new connection each time, so the harness itself
/// has no pool to recover after PostgreSQL comes back), and each dashboard's map; plus the
/// expired URLs in the last valid mediamtx.yml.
struct ChaosProbe: Sendable {
    let databaseURL: String
    let fleets: [NVRFleet]
    let dashboards: [DashboardView]
    let watcher: ConfigWatcher
    let cameras: Int

    /// Agents the gateways closed with 4005 (heartbeat timeout) so far.
    var heartbeatTimeouts: Int { fleets.reduce(0) { $0 + ($1.stats.disconnectsByCloseCode[4005] ?? 0) } }

    /// Hostname → status in PostgreSQL, or nil while it cannot be read.
    func postgres() async -> [String: String]? {
        guard let text = await commandOutput(["psql", "-X", "-At", "-F", "\t", databaseURL, "-c", "SELECT hostname, status FROM nvrs"]) else { return nil }
        var statuses: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            if fields.count == 2 { statuses[String(fields[0])] = String(fields[1]) }
        }
        return statuses
    }

    /// Samples from `heal` until every invariant has held for ``ChaosObservation/stable`` or
    /// `bound` has passed.
    func observe(heal: ContinuousClock.Instant, bound: Duration, interval: Duration) async throws -> ChaosObservation {
        var observation = ChaosObservation(dashboards: dashboards.count)
        let deadline = heal + bound
        while true {
            let tick = ContinuousClock.now
            await sample(into: &observation, at: tick)
            if observation.isStable(heal: heal, at: tick) || tick >= deadline { return observation }
            try await Task.sleep(until: tick + interval)
        }
    }

    private func sample(into observation: inout ChaosObservation, at now: ContinuousClock.Instant) async {
        observation.samples += 1
        let connected = fleets.reduce(into: Set<String>()) { $0.formUnion($1.connectedHostnames) }
        guard let stored = await postgres() else {
            observation.postgresUnreachable += 1
            for invariant in ["truth", "dashboards"] { observation.bad(invariant, "PostgreSQL unreachable", at: now) }
            return
        }
        // The fleet against PostgreSQL: connected reads online, anything else offline.
        var truth: [String: String] = [:]
        for hostname in fleets.flatMap({ $0.credentials.map(\.hostname) }) { truth[hostname] = connected.contains(hostname) ? "online" : "offline" }
        observation.truth.update(reference: truth, observed: stored.mapValues { $0 == "online" ? "online" : "offline" }, at: now)
        let differ = observation.truth.persistent(ChaosObservation.inFlight, at: now)
        if !differ.isEmpty {
            let online = differ.values.filter { $0.reference == "online" }.count
            observation.bad("truth", "\(differ.count) differ (\(online) connected not online, \(differ.count - online) shown online)", at: now)
        }
        for (hostname, entry) in observation.truth.persistent(ChaosObservation.ghostAfter, at: now) where entry.reference == "offline" {
            observation.ghosts.insert(hostname)
            observation.longestGhost = max(observation.longestGhost, now - entry.since)
        }
        // Each dashboard against PostgreSQL.
        var figures: [String] = []
        for (index, dashboard) in dashboards.enumerated() {
            let view = dashboard.snapshot
            observation.dashboards[index].update(reference: stored, observed: view.statuses, at: now)
            let differ = observation.dashboards[index].persistent(ChaosObservation.inFlight, at: now).count
            if differ > 0 { figures.append("\(dashboard.name): \(differ) differ, \(view.gaps) gaps, \(view.snapshots) snapshots") }
        }
        if !figures.isEmpty { observation.bad("dashboards", figures.joined(separator: "; "), at: now) }
        let expired = watcher.expired()
        let managed = watcher.current.managed.count
        if !expired.isEmpty || managed < cameras {
            observation.bad("expired", "\(expired.count) of \(managed) expired, \(cameras - managed) of \(cameras) missing", at: now)
        }
    }
}
