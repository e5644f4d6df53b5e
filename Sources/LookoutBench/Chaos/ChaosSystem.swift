import Foundation
import Logging

/// Every role of a Lookout deployment as its own process (two gateways, two presence workers, a
/// sweeper, a renewal worker, the MediaMTX sync, the cloud simulator and the MediaMTX double), and
/// the faults applied to them and to Redis and PostgreSQL.
final class ChaosSystem: Sendable {
    /// How each process is started again after a kill: its arguments and its log name.
    struct Spec: Sendable {
        let arguments: [String]
        let environment: [String: String]
    }

    let environment: [String: String]
    let servers: ChaosServers
    let cloudPort: Int
    let mediamtxPort: Int
    let gatewayPorts: [Int]
    private let specs: [String: Spec]
    private let processes = Locked<[String: BenchProcess]>([:])
    private let incarnations = Locked<[String: Int]>([:])

    init(
        environment: [String: String], servers: ChaosServers, folder: String, workers: String, cloudDevices: Int, channels: Int, urlLifetime: Int,
        ports: (cloud: Int, mediamtx: Int, gateways: [Int])
    ) {
        self.environment = environment
        self.servers = servers
        (cloudPort, mediamtxPort, gatewayPorts) = ports
        var specs: [String: Spec] = [:]
        for (index, port) in gatewayPorts.enumerated() {
            // A short drain: stopAll gives every process 15 s, and no fault here stops a gateway gracefully.
            specs["gateway-\(index + 1)"] = Spec(arguments: ["gateway"], environment: ["LOOKOUT_HTTP_PORT": String(port), "LOOKOUT_DRAIN_WINDOW": "2"])
        }
        for index in 1...2 {
            specs["presence-\(index)"] = Spec(arguments: ["worker", "--worker", "\(workers)/presence.yml"], environment: [:])
        }
        specs["sweeper"] = Spec(arguments: ["worker", "--worker", "\(workers)/sweeper.yml"], environment: [:])
        specs["renewal"] = Spec(arguments: ["worker", "--worker", "\(folder)/renewal.yml"], environment: [:])
        specs["sync"] = Spec(arguments: ["worker", "--worker", "\(workers)/mediamtx-sync.yml"], environment: [:])
        specs["hik-cloud"] = Spec(
            arguments: [
                "simulate", "hik-cloud", "--port", String(cloudPort), "--devices", String(cloudDevices), "--channels", String(channels),
                "--url-lifetime", String(urlLifetime),
            ], environment: [:])
        specs["mediamtx"] = Spec(arguments: ["simulate", "mediamtx", "--port", String(mediamtxPort)], environment: [:])
        self.specs = specs
    }

    static let simulators = ["hik-cloud", "mediamtx"]
    static let roles = ["gateway-1", "gateway-2", "presence-1", "presence-2", "sweeper", "renewal", "sync"]

    /// The process that plays `role` in a kill.
    static func process(for role: ChaosFault.Role) -> String {
        switch role {
        case .gateway: "gateway-1"
        case .presence: "presence-1"
        case .sweeper: "sweeper"
        case .renewal: "renewal"
        case .sync: "sync"
        }
    }

    func start(_ name: String) throws {
        guard let spec = specs[name] else { throw BenchError("no process named \(name)") }
        let incarnation = incarnations.withLock { $0[name, default: 0] += 1; return $0[name]! }
        let process = try BenchProcess(
            arguments: spec.arguments, environment: environment.merging(spec.environment) { $1 },
            name: "chaos-\(name)\(incarnation > 1 ? "-\(incarnation)" : "")")
        processes.withLock { $0[name] = process }
    }

    func kill(_ name: String) async {
        guard let process = processes.withLock({ $0[name] }) else { return }
        await process.kill()
    }

    /// Every process still running, terminated: SIGTERM, and SIGKILL for one still running 15 s
    /// later. Returns the names of those that needed SIGKILL (a shutdown that hangs is a finding).
    @discardableResult
    func stopAll() async -> [String] {
        let all = processes.withLock { processes in
            defer { processes.removeAll() }
            return processes
        }
        return await withTaskGroup(of: String?.self) { group in
            for (name, process) in all {
                group.addTask {
                    guard process.isRunning else { return nil }
                    Foundation.kill(process.pid, SIGTERM)
                    let deadline = ContinuousClock.now + .seconds(15)
                    while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
                    guard process.isRunning else { return nil }
                    await process.kill()
                    return name
                }
            }
            var hung: [String] = []
            for await name in group { if let name { hung.append(name) } }
            return hung.sorted()
        }
    }

    /// Roles that exited on their own (a crash is a finding too).
    var exited: [String] {
        processes.withLock { $0.filter { !$0.value.isRunning }.map(\.key).sorted() }
    }

    var logPaths: [String: String] { processes.withLock { $0.mapValues(\.logPath) } }

    /// Injects `fault`, holds it, heals it. Whatever happens in between, the servers are brought
    /// back before this returns or throws.
    func apply(_ fault: ChaosFault) async throws {
        switch fault {
        case .kill(let role):
            let name = Self.process(for: role)
            await kill(name)
            try await Task.sleep(for: .seconds(1))
            try start(name)
        case .redisRestartedEmpty:
            try await servers.run("redis-kill")
            try await servers.run("redis-start")
        case .redisPaused(let hold):
            try await servers.run("redis-pause")
            try? await Task.sleep(for: hold)
            try await servers.run("redis-resume")
        case .redisDown(let hold):
            try await servers.run("redis-kill")
            try? await Task.sleep(for: hold)
            try await servers.run("redis-start")
        case .postgresRestarted:
            try await servers.run("pg-stop")
            try await servers.run("pg-start")
        case .postgresDown(let hold):
            try await servers.run("pg-stop")
            try? await Task.sleep(for: hold)
            try await servers.run("pg-start")
        case .mediamtxDown(let hold):
            try await post(mediamtxPort, "/sim/down")
            try? await Task.sleep(for: hold)
            try await post(mediamtxPort, "/sim/up")
        case .cloudErrors(let hold):
            try await post(cloudPort, "/sim/options", #"{"failStatus":500}"#)
            try? await Task.sleep(for: hold)
            try await post(cloudPort, "/sim/options", #"{"failStatus":null}"#)
        case .cloudTokenRevoked(let hold):
            let secret = environment["HIKVISION_SECRET"] ?? "sim-secret-key"
            try await post(cloudPort, "/sim/options", #"{"secretKey":"revoked-\#(UInt32.random(in: 0 ... .max))"}"#)
            try await post(cloudPort, "/sim/tokens/revoke")
            try? await Task.sleep(for: hold)
            try await post(cloudPort, "/sim/options", #"{"secretKey":"\#(secret)"}"#)
        case .rateLimitStorm(let hold):
            try await post(cloudPort, "/sim/options", #"{"rateLimitStorm":true}"#)
            try? await Task.sleep(for: hold)
            try await post(cloudPort, "/sim/options", #"{"rateLimitStorm":false}"#)
        }
    }

    /// Camera (resourceId) → Unix ms of each live address the cloud issued.
    func issuedAddresses() async -> [String: [Int64]] {
        guard let text = await commandOutput(["curl", "-sf", "http://127.0.0.1:\(cloudPort)/sim/issued"]),
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: [NSNumber]]
        else { return [:] }
        return object.mapValues { $0.map(\.int64Value) }
    }

    private func post(_ port: Int, _ path: String, _ body: String = "{}") async throws {
        guard
            await commandOutput(["curl", "-sf", "-X", "POST", "-H", "Content-Type: application/json", "-d", body, "http://127.0.0.1:\(port)\(path)"])
                != nil
        else { throw BenchError("POST \(path) on port \(port) failed") }
    }
}
