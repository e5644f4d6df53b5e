import Foundation
import LookoutTestSupport
import Testing

/// Gateways and workers as separate processes, real Redis and PostgreSQL, real WebSockets.
@Suite(.serialized) struct PresenceEndToEndTests {
    @Test func connectAndCloseReachPostgresAndTheDashboard() async throws {
        let system = try await LookoutSystem.start()
        try await withTeardown({ await system.shutdown() }) {
            let token = try await system.addNVR("nvr-a", cameras: 2)
            let key = try await system.addAPIKey()
            let (_, port) = try await system.startGateway()
            try await system.startWorker()

            let (dashboard, snapshot) = await connectDashboard(port: port, key: key)
            #expect(snapshot?["type"] as? String == "snapshot")
            let nvrs = snapshot?["nvrs"] as? [[String: Any]]
            #expect(nvrs?.first?["hostname"] as? String == "nvr-a")
            #expect(nvrs?.first?["status"] as? String == "unknown")

            let started = ContinuousClock.now
            let (nvr, _) = await connectNVR(port: port, hostname: "nvr-a", token: token)
            let online = await waitForNVR(dashboard, hostname: "nvr-a", status: "online")
            let latency = ContinuousClock.now - started
            #expect(online != nil, "\(system.logs)")
            #expect(latency < .seconds(1), "connect → dashboard took \(latency)")
            print("connect → dashboard: \(latency)")
            let cameras = (online?["nvr"] as? [String: Any])?["cameras"] as? [[String: Any]]
            #expect(cameras?.map { $0["status"] as? String } == ["online", "online"])
            #expect(try await system.nvrRow("nvr-a") == "online|1")
            #expect(try await system.cameraRows("nvr-a") == ["online:nvr_online", "online:nvr_online"])

            nvr.close()
            #expect(await waitForNVR(dashboard, hostname: "nvr-a", status: "offline") != nil)
            #expect(try await waitForRow(system, "nvr-a", "offline|1"))
            #expect(try await system.cameraRows("nvr-a") == ["offline:nvr_offline", "offline:nvr_offline"])
            let session = try await system.database.query("SELECT disconnect_reason FROM nvr_sessions")
            #expect(session == "closed")
        }
    }

    /// The drain (docs/architecture.md, "Draining"): `/readyz` turns 503 and new sockets get
    /// 1012 at once; the NVR is handed over with 1012, not marked offline; one that never comes
    /// back goes offline when its liveness expires, like a dead socket.
    @Test func aStoppingGatewayHandsItsNVRsOverAndRefusesNewOnes() async throws {
        let system = try await LookoutSystem.start(environment: ["LOOKOUT_DRAIN_WINDOW": "1"])
        try await withTeardown({ await system.shutdown() }) {
            let token = try await system.addNVR("nvr-a")
            let (gateway, port) = try await system.startGateway()
            try await system.startWorker()
            let (nvr, _) = await connectNVR(port: port, hostname: "nvr-a", token: token)
            #expect(try await waitForRow(system, "nvr-a", "online|1"))
            #expect(await RollingRestartTests.get("http://127.0.0.1:\(port)/readyz")?.status == 200)

            let stopping = Task { await gateway.stop() }
            let draining = await eventually(timeout: .seconds(1)) {
                await RollingRestartTests.get("http://127.0.0.1:\(port)/readyz").map { $0.status == 503 && $0.body.contains("draining") } ?? false
            }
            #expect(draining, "/readyz answers 503 draining")
            let late = TestSocket(port: port)
            late.send(json: ["type": "auth", "hostname": "nvr-a", "token": token])
            #expect(await late.closeCode() == 1012, "a new connection is sent elsewhere at once")
            #expect(await nvr.closeCode() == 1012)
            await stopping.value
            // The handover reaches PostgreSQL through the stream and a worker: not at once.
            #expect(try await eventually(timeout: .seconds(5)) {
                try await system.database.query("SELECT disconnect_reason FROM nvr_sessions") == "drained"
            }, "\(system.logs)")
            // It never reconnects: offline once its liveness expires (1.5 heartbeat intervals).
            #expect(try await waitForRow(system, "nvr-a", "offline|1", within: .seconds(10)), "\(system.logs)")
            #expect(gateway.log.contains("NVR connections drained"))
            #expect(!gateway.log.contains(" error "), "\(gateway.log)")
        }
    }

    @Test func silentAndKilledAgentsGoOfflineWithinOneAndAHalfIntervals() async throws {
        let system = try await LookoutSystem.start()
        try await withTeardown({ await system.shutdown() }) {
            let silentToken = try await system.addNVR("nvr-silent")
            let killedToken = try await system.addNVR("nvr-killed")
            let (_, port) = try await system.startGateway()
            try await system.startWorker()

            // Authenticates, then never sends another byte; the socket stays open.
            let (silent, _) = await connectNVR(port: port, hostname: "nvr-silent", token: silentToken)
            let (killed, _) = await connectNVR(port: port, hostname: "nvr-killed", token: killedToken)
            #expect(try await waitForRow(system, "nvr-silent", "online|1"))
            #expect(try await waitForRow(system, "nvr-killed", "online|1"))
            let started = ContinuousClock.now
            killed.abandon()
            #expect(try await waitForRow(system, "nvr-killed", "offline|1", within: .seconds(3)))
            // 1.5 × 2 s heartbeat = 3 s of silence allowed, plus a second for the sweep and apply.
            #expect(try await waitForRow(system, "nvr-silent", "offline|1", within: .seconds(5)), "\(system.logs)")
            let took = ContinuousClock.now - started
            #expect(took >= .seconds(2.5), "a silent NVR must not be dropped before 1.5 intervals: \(took)")
            #expect(await silent.closeCode() == 4005)
        }
    }

    @Test func aLateDisconnectOfAnOldConnectionDoesNotMarkTheNVROffline() async throws {
        let system = try await LookoutSystem.start()
        try await withTeardown({ await system.shutdown() }) {
            let token = try await system.addNVR("nvr-race")
            let (_, portA) = try await system.startGateway(name: "gateway-a")
            let (_, portB) = try await system.startGateway(name: "gateway-b")
            try await system.startWorker()

            let (onA, _) = await connectNVR(port: portA, hostname: "nvr-race", token: token)
            #expect(try await waitForRow(system, "nvr-race", "online|1"))
            // The agent reconnects through B while its socket on A is still open.
            let (onB, _) = await connectNVR(port: portB, hostname: "nvr-race", token: token)
            #expect(try await waitForRow(system, "nvr-race", "online|2"))
            // A learns of the newer connection and closes its own; A's `disconnected` (version 1)
            // reaches the worker after B's `connected` (version 2) and must change nothing.
            #expect(await onA.closeCode() == 4004)
            try await Task.sleep(for: .seconds(1))
            #expect(try await system.nvrRow("nvr-race") == "online|2", "\(system.logs)")
            let reasons = try await system.database.query("SELECT connection_version || ':' || coalesce(disconnect_reason, '-') FROM nvr_sessions ORDER BY connection_version")
            #expect(reasons == "1:replaced\n2:-")
            onB.send(json: ["type": "heartbeat"])
            #expect(await onB.receiveJSON()?["type"] as? String == "heartbeat_ack")
        }
    }

    @Test func aKilledGatewaysNVRsGoOfflineExceptThoseThatMovedOn() async throws {
        let system = try await LookoutSystem.start()
        try await withTeardown({ await system.shutdown() }) {
            let tokens = [try await system.addNVR("nvr-1"), try await system.addNVR("nvr-2"), try await system.addNVR("nvr-3")]
            let (gatewayA, portA) = try await system.startGateway(name: "gateway-a")
            let (_, portB) = try await system.startGateway(name: "gateway-b")
            try await system.startWorker()

            var sockets: [TestSocket] = []
            for (index, token) in tokens.enumerated() {
                sockets.append(await connectNVR(port: portA, hostname: "nvr-\(index + 1)", token: token).socket)
            }
            for index in 1...3 { #expect(try await waitForRow(system, "nvr-\(index)", "online|1")) }
            // Keep them alive on A with heartbeats, then crash A.
            for socket in sockets { socket.send(json: ["type": "heartbeat"]) }
            await gatewayA.kill()
            // nvr-3's agent notices and reconnects to B at once.
            let (moved, _) = await connectNVR(port: portB, hostname: "nvr-3", token: tokens[2])
            for _ in 0..<4 {
                moved.send(json: ["type": "heartbeat"])
                try await Task.sleep(for: .seconds(1))
            }
            #expect(try await waitForRow(system, "nvr-1", "offline|1", within: .seconds(5)), "\(system.logs)")
            #expect(try await waitForRow(system, "nvr-2", "offline|1", within: .seconds(5)))
            #expect(try await system.nvrRow("nvr-3") == "online|2")
            let expired = try await system.database.query("SELECT count(*) FROM nvr_sessions WHERE disconnect_reason = 'expired'")
            #expect(expired == "2")
        }
    }
}

/// The simulator against the real gateway, as separate processes.
@Suite(.serialized) struct SimulatorProcessTests {
    @Test func aKilledAgentProcessGoesOffline() async throws {
        let system = try await LookoutSystem.start()
        try await withTeardown({ await system.shutdown() }) {
            let tokenFile = NSTemporaryDirectory() + "\(system.prefix.dropLast())-tokens"
            for index in 0..<5 {
                let result = try await system.cli(["nvr", "add", "--hostname", "sim-\(index)", "--cameras", "1", "--token-file", tokenFile])
                #expect(result.status == 0, "\(result.stderr)")
            }
            let (_, port) = try await system.startGateway()
            try await system.startWorker()
            let fleet = try LookoutProcess(
                name: "fleet", arguments: ["simulate", "nvrs", "--count", "5", "--gateway", "ws://127.0.0.1:\(port)/ws", "--token-file", tokenFile],
                environment: system.environment)
            let allOnline = try await eventually(timeout: .seconds(10)) {
                try await system.database.query("SELECT count(*) FROM nvrs WHERE status = 'online'") == "5"
            }
            #expect(allOnline, "\(system.logs)\n\(fleet.log)")
            await fleet.kill()
            let allOffline = try await eventually(timeout: .seconds(5)) {
                try await system.database.query("SELECT count(*) FROM nvrs WHERE status = 'offline'") == "5"
            }
            #expect(allOffline, "\(system.logs)")
            #expect(try await system.database.query("SELECT count(*) FROM cameras WHERE status_reason = 'nvr_offline'") == "5")
        }
    }
}
