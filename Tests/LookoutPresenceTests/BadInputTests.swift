import Foundation
import LookoutTestSupport
import NIOCore
import Testing

/// Every bad input of docs/protocol.md gets its documented answer, while a healthy NVR on the
/// same gateway keeps its session.
@Suite(.serialized) struct BadInputTests {
    @Test func everyBadInputGetsItsDocumentedAnswer() async throws {
        let system = try await LookoutSystem.start(heartbeatSeconds: 10)
        try await withTeardown({ await system.shutdown() }) {
            let healthyToken = try await system.addNVR("nvr-healthy")
            let token = try await system.addNVR("nvr-x")
            let key = try await system.addAPIKey()
            let (_, port) = try await system.startGateway()
            try await system.startWorker()
            let (healthy, healthySession) = await connectNVR(port: port, hostname: "nvr-healthy", token: healthyToken)
            #expect(try await waitForRow(system, "nvr-healthy", "online|1"))

            // Not JSON, a field of the wrong type, an unknown type: an error message, the socket stays.
            let socket = TestSocket(port: port)
            socket.send("{not json")
            #expect(await socket.receiveJSON()?["code"] as? String == "invalid_json")
            socket.send(#"{"type":"auth","hostname":42}"#)
            #expect(await socket.receiveJSON()?["code"] as? String == "invalid_message")
            socket.send(#"{"type":"reboot"}"#)
            let unknown = await socket.receiveJSON()
            #expect(unknown?["code"] as? String == "unknown_type")
            #expect(unknown?["message"] as? String == "unknown message type 'reboot'")
            // It can still authenticate afterwards.
            socket.send(json: ["type": "auth", "hostname": "nvr-x", "token": token])
            #expect(await socket.receiveJSON()?["type"] as? String == "auth_ok")
            // A second auth is a protocol violation.
            socket.send(json: ["type": "auth", "hostname": "nvr-x", "token": token])
            #expect(await socket.closeCode() == 4000)

            try await expectClose(port: port, 4003, "heartbeat before auth") { $0.send(json: ["type": "heartbeat"]) }
            try await expectClose(port: port, 4001, "unknown hostname") { $0.send(json: ["type": "auth", "hostname": "nobody", "token": "x"]) }
            try await expectClose(port: port, 4001, "wrong token") { $0.send(json: ["type": "auth", "hostname": "nvr-x", "token": "nvr_wrong"]) }
            try await expectClose(port: port, 4001, "no token") { $0.send(json: ["type": "auth", "hostname": "nvr-x"]) }
            try await expectClose(port: port, 4001, "wrong dashboard key") { $0.send(json: ["type": "dashboard", "token": "lk_wrong"]) }
            try await expectClose(port: port, 1003, "binary frame") { $0.sendBinary([1, 2, 3]) }
            try await expectClose(port: port, 1009, "message over 64 KiB") {
                $0.send(#"{"type":"auth","hostname":"\#(String(repeating: "a", count: 70_000))"}"#)
            }
            try await expectClose(port: port, 4008, "ten errors in a row") { socket in
                for _ in 0..<10 { socket.send("garbage") }
            }
            // An NVR that authenticates twice at once: the newer wins, the older is closed.
            let (older, _) = await connectNVR(port: port, hostname: "nvr-x", token: token)
            let (newer, _) = await connectNVR(port: port, hostname: "nvr-x", token: token)
            #expect(await older.closeCode() == 4004)
            newer.send(json: ["type": "heartbeat"])
            #expect(await newer.receiveJSON()?["type"] as? String == "heartbeat_ack")
            // A dashboard that talks gets an error and stays.
            let (dashboard, _) = await connectDashboard(port: port, key: key)
            dashboard.send(json: ["type": "heartbeat"])
            // Notifications about nvr-x may come first.
            var reply = await dashboard.receiveJSON()
            while let message = reply, message["type"] as? String != "error" { reply = await dashboard.receiveJSON() }
            #expect(reply?["code"] as? String == "unexpected_message")

            // Through all of this the healthy NVR kept its session.
            healthy.send(json: ["type": "heartbeat"])
            #expect(await healthy.receiveJSON()?["type"] as? String == "heartbeat_ack")
            let session = try await system.database.query("SELECT session_id || '|' || status FROM nvrs WHERE hostname = 'nvr-healthy'")
            #expect(session == "\(healthySession ?? "")|online", "\(system.logs)")
        }
    }

    @Test func hostnameOnlyAuthIsAPerNVRFlag() async throws {
        let system = try await LookoutSystem.start(heartbeatSeconds: 10)
        try await withTeardown({ await system.shutdown() }) {
            _ = try await system.addNVR("nvr-with-token")
            _ = try await system.database.query("INSERT INTO nvrs (hostname) VALUES ('tokenless-nvr')")
            let legacy = try await system.cli(["nvr", "add", "--hostname", "legacy-nvr", "--hostname-only-auth"])
            #expect(legacy.status == 0, "\(legacy.stderr)")
            let (_, port) = try await system.startGateway()
            // The flagged NVR may connect by hostname alone, and is logged as such.
            let (socket, _) = await connectNVR(port: port, hostname: "legacy-nvr", token: nil)
            socket.send(json: ["type": "heartbeat"])
            #expect(await socket.receiveJSON()?["type"] as? String == "heartbeat_ack")
            #expect(system.logs.contains("hostname only"))
            // Without the flag, no token means no entry: neither an NVR that has a token nor one that has none.
            try await expectClose(port: port, 4001, "no token, not flagged") { $0.send(json: ["type": "auth", "hostname": "nvr-with-token"]) }
            try await expectClose(port: port, 4001, "no token stored, not flagged") { $0.send(json: ["type": "auth", "hostname": "tokenless-nvr"]) }
            // The old global switch is gone: setting it stops the process with a clear error.
            let removed = try await system.cli(["nvr", "add", "--hostname", "x"], environment: ["LOOKOUT_ALLOW_HOSTNAME_ONLY_AUTH": "true"])
            #expect(removed.status == 2)
            #expect(removed.stderr.contains("LOOKOUT_ALLOW_HOSTNAME_ONLY_AUTH") && removed.stderr.contains("per-NVR"), "\(removed.stderr)")
        }
    }

    @Test func refusedAuthsLookAlikeAndHostnamesAreNFC() async throws {
        let system = try await LookoutSystem.start(heartbeatSeconds: 10)
        try await withTeardown({ await system.shutdown() }) {
            // Stored precomposed (NFC) whichever form it was given in.
            let token = try await system.addNVR("cafe\u{301}-nvr")
            #expect(try await system.database.query("SELECT count(*) FROM nvrs WHERE hostname = 'caf\u{E9}-nvr'") == "1")
            let (_, port) = try await system.startGateway()
            // An unknown hostname, a wrong token and a missing token get the same answer.
            var answers: Set<String> = []
            for auth in [["hostname": "nobody", "token": "nvr_x"], ["hostname": "caf\u{E9}-nvr", "token": "nvr_wrong"], ["hostname": "caf\u{E9}-nvr"]] {
                let socket = TestSocket(port: port)
                socket.send(json: auth.merging(["type": "auth"]) { $1 })
                let reply = await socket.receiveJSON()
                answers.insert("\(reply?["type"] as? String ?? "")|\(reply?["code"] as? String ?? "")|\(reply?["error"] as? String ?? "")")
                #expect(await socket.closeCode() == 4001)
            }
            #expect(answers == ["auth_error|4001|authentication failed"], "\(answers)")
            // The agent authenticates with either form of its hostname.
            _ = await connectNVR(port: port, hostname: "cafe\u{301}-nvr", token: token)
        }
    }

    @Test func aConnectionThatNeverAuthenticatesIsClosed() async throws {
        let system = try await LookoutSystem.start(heartbeatSeconds: 10)
        try await withTeardown({ await system.shutdown() }) {
            let (_, port) = try await system.startGateway()
            let socket = TestSocket(port: port)
            #expect(await socket.closeCode(within: .seconds(15)) == 4002)
        }
    }

    @Test func theWebSocketPathAnswersPlainHTTPAndOtherUpgradesClearly() async throws {
        let system = try await LookoutSystem.start(heartbeatSeconds: 10)
        try await withTeardown({ await system.shutdown() }) {
            let (_, port) = try await system.startGateway()
            let upgrade = "Connection: Upgrade\nUpgrade: websocket\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\nSec-WebSocket-Version: 13\n"
            let plain = try await rawHTTP(port: port, "GET /ws HTTP/1.1\nHost: gw\nConnection: close\n\n")
            #expect(plain.hasPrefix("HTTP/1.1 426"), "\(plain)")
            #expect(plain.contains(#""code":"upgrade_required""#), "\(plain)")
            let elsewhere = try await rawHTTP(port: port, "GET /healthz HTTP/1.1\nHost: gw\n\(upgrade)\n")
            #expect(elsewhere.hasPrefix("HTTP/1.1 400"), "\(elsewhere)")
            let accepted = try await rawHTTP(port: port, "GET /ws?agent=1 HTTP/1.1\nHost: gw\n\(upgrade)\n", within: .seconds(1))
            #expect(accepted.hasPrefix("HTTP/1.1 101"), "\(accepted)")
        }
    }

    @Test func messagesReadWithTheAuthAreAnsweredAfterAuthOK() async throws {
        let system = try await LookoutSystem.start(heartbeatSeconds: 10)
        try await withTeardown({ await system.shutdown() }) {
            let token = try await system.addNVR("nvr-eager")
            let (_, port) = try await system.startGateway()
            let replies = try await rawWebSocket(
                port: port,
                sending: [#"{"type":"auth","hostname":"nvr-eager","token":"\#(token)"}"#, #"{"type":"heartbeat"}"#, "not json", #"{"type":"heartbeat"}"#],
                replies: 4
            ).map { text in
                let reply = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
                return (reply?["type"] as? String == "error" ? reply?["code"] : reply?["type"]) as? String ?? text
            }
            #expect(replies == ["auth_ok", "heartbeat_ack", "invalid_json", "heartbeat_ack"])
        }
    }

    private func expectClose(
        port: Int, _ code: UInt16, _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ act: (TestSocket) -> Void
    ) async throws {
        let socket = TestSocket(port: port)
        act(socket)
        let closed = await socket.closeCode()
        #expect(closed == code, "\(what): closed with \(String(describing: closed))", sourceLocation: sourceLocation)
    }
}
