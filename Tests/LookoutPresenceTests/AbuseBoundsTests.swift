import Foundation
import LookoutTestSupport
import NIOCore
import Synchronization
import Testing

/// Abuse from outside stays within stated bounds, on real gateway processes (docs/security.md,
/// "Abuse bounds"). Each test prints what it measured.
@Suite(.serialized) struct AbuseBoundsTests {
    /// 3,000 connections from one address that never send a request: those over the
    /// per-address cap get a 503 at once, the others are closed by the header timeout (making
    /// room for more), and a healthy NVR from another address connects meanwhile.
    @Test func idleSocketsAreCappedAndClosedWhileAnNVRConnects() async throws {
        let (cap, headerTimeout) = (1000, 3)
        let system = try await LookoutSystem.start(
            heartbeatSeconds: 10,
            environment: [
                "LOOKOUT_MAX_CONNECTIONS_PER_ADDRESS": String(cap), "LOOKOUT_HTTP_HEADER_TIMEOUT": String(headerTimeout),
                "LOOKOUT_HTTP_IDLE_TIMEOUT": "2",
            ])
        try await withTeardown({ await system.shutdown() }) {
            let token = try await system.addNVR("nvr-healthy")
            let (_, port) = try await system.startGateway()

            let opening = ContinuousClock.now
            let flood = await IdleFlood.open(count: 3000, port: port, from: "127.0.0.2")
            let openedIn = ContinuousClock.now - opening
            // While the idle sockets are held, a healthy NVR (another address) connects.
            let connecting = ContinuousClock.now
            let (healthy, session) = await connectNVR(port: port, hostname: "nvr-healthy", token: token)
            let nvrConnect = ContinuousClock.now - connecting
            #expect(session != nil, "\(system.logs)")
            #expect(nvrConnect < .seconds(2))
            healthy.close()

            let allClosed = await eventually(timeout: .seconds(headerTimeout + 5)) { flood.open == 0 }
            let tally = flood.tally.withLock { $0 }
            let longest = tally.idleLifetimes.max() ?? .zero
            print(
                """
                [abuse] 3000 idle sockets from 127.0.0.2 (per-address cap \(cap), header timeout \(headerTimeout) s), opened in \(openedIn):
                [abuse]   refused with an answer: \(tally.answered), connect failures: \(tally.connectFailures), \
                accepted then closed unanswered: \(tally.idleLifetimes.count), longest kept: \(longest), all closed: \(allClosed)
                [abuse]   healthy NVR from 127.0.0.1 authenticated in \(nvrConnect) meanwhile
                [abuse]   refusal: \(tally.exampleAnswer.replacingOccurrences(of: "\r\n", with: " | "))
                """)
            #expect(allClosed)
            // Every socket was either refused at once or closed by the header timeout. (While the
            // 3,000 open, the first accepted ones time out and make room: more than `cap` are
            // accepted in all, never more than `cap` at once; ClientAddressTests counts that.)
            #expect(tally.connectFailures == 0)
            #expect(tally.answered >= 1)
            #expect(tally.answered + tally.idleLifetimes.count == 3000)
            #expect(longest < .seconds(headerTimeout) + .seconds(2))
            #expect(tally.exampleAnswer.hasPrefix("HTTP/1.1 503"))
            #expect(tally.exampleAnswer.contains(#"{"error":{"code":"too_many_connections""#))
            // The counts went down with the closes: the address may connect again.
            let health = try await rawHTTP(port: port, from: "127.0.0.2", "GET /healthz HTTP/1.1\nHost: gw\nConnection: close\n\n")
            #expect(health.hasPrefix("HTTP/1.1 200"), "\(health)")
            let metrics = try await rawHTTP(port: port, "GET /metrics HTTP/1.1\nHost: gw\nConnection: close\n\n")
            #expect(metrics.contains(#"lookout_connections_refused_total{cap="address"} \#(tally.answered)"#), "\(metrics.suffix(2000))")
            // A keep-alive connection that sends no second request is closed after the idle timeout.
            let keptAlive = ContinuousClock.now
            let answer = try await rawHTTP(port: port, "GET /healthz HTTP/1.1\nHost: gw\n\n", within: .seconds(8))
            let idleClosed = ContinuousClock.now - keptAlive
            print("[abuse] keep-alive connection after its answer closed in \(idleClosed) (idle timeout 2 s)")
            #expect(answer.hasPrefix("HTTP/1.1 200"))
            #expect(idleClosed > .seconds(1.5) && idleClosed < .seconds(4))
            await flood.close()
        }
    }

    /// A peer that sends heartbeats and pings and never reads: its pongs are dropped once its
    /// socket's buffer is full, its next `heartbeat_ack` closes it (4009); the gateway's memory
    /// barely moves. A dashboard that only pings is closed by the ping timeout.
    @Test func aPeerThatNeverReadsIsClosedWithBoundedMemory() async throws {
        let system = try await LookoutSystem.start(heartbeatSeconds: 10, environment: ["LOOKOUT_WS_PING_INTERVAL": "2"])
        try await withTeardown({ await system.shutdown() }) {
            let token = try await system.addNVR("nvr-deaf")
            let key = try await system.addAPIKey()
            let (gateway, port) = try await system.startGateway()
            try await Task.sleep(for: .milliseconds(500))
            let bound = 20 << 20

            let ping = NeverReadingPeer.frame(opcode: 0x9, Array(repeating: 0x61, count: 125))
            let heartbeat = NeverReadingPeer.frame(opcode: 0x1, Array(#"{"type":"heartbeat"}"#.utf8))
            for (name, first, frames, limit) in [
                ("NVR, heartbeats + pings", #"{"type":"auth","hostname":"nvr-deaf","token":"\#(token)"}"#, Array(repeating: ping, count: 9) + [heartbeat], 15),
                ("dashboard, pings", #"{"type":"dashboard","token":"\#(key)"}"#, Array(repeating: ping, count: 10), 15),
            ] {
                let before = residentBytes(pid: gateway.pid)
                let peak = PeakSampler(pid: gateway.pid)
                let outcome = await NeverReadingPeer(port: port).run(first: first, frames: frames, for: .seconds(limit))
                let highest = await peak.stop()
                let growth = highest - before
                print(
                    """
                    [abuse] never-reading peer (\(name)): sent \(outcome.bytesSent / 1024) KiB in \(outcome.elapsed), \
                    closed by the gateway: \(outcome.closedByGateway); gateway RSS \(before >> 20) MiB before, \
                    peak \(highest >> 20) MiB (+\(growth >> 10) KiB, bound \(bound >> 20) MiB)
                    """)
                #expect(outcome.closedByGateway, "\(name)")
                #expect(growth < bound, "\(name)")
            }
            #expect(system.logs.contains("does not read its replies"))
        }
    }

    /// 200 wrong credentials over `/ws` within 10 s, dashboard keys and NVR tokens alternately:
    /// the first ten are checked, the rest refused with 4029 without a database query; the
    /// count is the HTTP API's too.
    @Test func wrongKeysOverWebSocketAreRateLimited() async throws {
        let system = try await LookoutSystem.start(heartbeatSeconds: 10)
        try await withTeardown({ await system.shutdown() }) {
            _ = try await system.addNVR("nvr-target")
            let key = try await system.addAPIKey()
            let (gateway, port) = try await system.startGateway()

            let started = ContinuousClock.now
            let codes = try await withThrowingTaskGroup(of: String?.self) { group in
                var codes: [String] = []
                for index in 0..<200 {
                    if index >= 8, let code = try await group.next() { codes.append(code ?? "none") }
                    let message =
                        index % 2 == 0
                        ? #"{"type":"dashboard","token":"lk_wrong\#(index)"}"# : #"{"type":"auth","hostname":"nvr-target","token":"nvr_wrong\#(index)"}"#
                    group.addTask {
                        let replies = try await rawWebSocket(port: port, sending: [message], replies: 1)
                        let reply = replies.first.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                        return reply?["code"] as? String
                    }
                }
                for try await code in group { codes.append(code ?? "none") }
                return codes
            }
            let elapsed = ContinuousClock.now - started
            let checked = codes.filter { $0 == "4001" }.count
            let limited = codes.filter { $0 == "4029" }.count
            let databaseChecks = gateway.log.components(separatedBy: "authentication failed").count - 1
            // The HTTP API counts the same address: a good key from it waits too.
            let api = try await rawHTTP(port: port, "GET /api/nvr HTTP/1.1\nHost: gw\nAuthorization: Bearer \(key)\nConnection: close\n\n")
            // Another address is not limited.
            let other = try await rawHTTP(port: port, from: "127.0.0.2", "GET /api/nvr HTTP/1.1\nHost: gw\nAuthorization: Bearer \(key)\nConnection: close\n\n")
            print(
                """
                [abuse] 200 wrong credentials over /ws in \(elapsed): \(checked) checked (4001), \(limited) refused unchecked (4029), \
                \(200 - checked - limited) other; failed checks in the gateway log: \(databaseChecks)
                [abuse]   then a good key over HTTP from the same address: \(api.prefix(while: { $0 != "\r" })); from 127.0.0.2: \(other.prefix(while: { $0 != "\r" }))
                """)
            #expect(elapsed < .seconds(10))
            // Eight attempts are in flight at a time: up to seven pass the check while the tenth failure is being found.
            #expect((10...17).contains(checked))
            #expect(checked + limited == 200)
            #expect(databaseChecks == checked, "\(gateway.log.suffix(3000))")
            #expect(api.hasPrefix("HTTP/1.1 429"))
            #expect(other.hasPrefix("HTTP/1.1 200"), "\(other)")
        }
    }

    /// Behind a trusted proxy the limit counts the address it forwards; from anyone else
    /// `X-Forwarded-For` is ignored.
    @Test func forwardedForIsBelievedOnlyFromATrustedProxy() async throws {
        let system = try await LookoutSystem.start(
            heartbeatSeconds: 10, environment: ["LOOKOUT_TRUSTED_PROXIES": "127.0.0.1", "LOOKOUT_AUTH_FAILURE_LIMIT": "3"])
        try await withTeardown({ await system.shutdown() }) {
            let key = try await system.addAPIKey()
            let (_, port) = try await system.startGateway()
            func status(from source: String, forwardedFor: String, key: String) async throws -> String {
                let answer = try await rawHTTP(
                    port: port, from: source,
                    "GET /api/nvr HTTP/1.1\nHost: gw\nX-Forwarded-For: \(forwardedFor)\nAuthorization: Bearer \(key)\nConnection: close\n\n")
                return String(answer.dropFirst("HTTP/1.1 ".count).prefix(3))
            }
            // Through the proxy: client 203.0.113.7 guesses three times and is limited, on /api and /ws.
            for _ in 0..<3 { #expect(try await status(from: "127.0.0.1", forwardedFor: "203.0.113.7", key: "lk_wrong") == "401") }
            let limitedClient = try await status(from: "127.0.0.1", forwardedFor: "203.0.113.7", key: key)
            let limitedSocket = try await rawWebSocket(
                port: port, headers: "X-Forwarded-For: 203.0.113.7\r\n", sending: [#"{"type":"dashboard","token":"\#(key)"}"#], replies: 1)
            // Another client behind the same proxy is not.
            let otherClient = try await status(from: "127.0.0.1", forwardedFor: "203.0.113.8", key: key)
            // From an untrusted peer the header means nothing: its own address is counted.
            for _ in 0..<3 { _ = try await status(from: "127.0.0.2", forwardedFor: "203.0.113.9", key: "lk_wrong") }
            let spoofed = try await status(from: "127.0.0.2", forwardedFor: "203.0.113.10", key: key)
            print(
                """
                [abuse] trusted proxy 127.0.0.1: client 203.0.113.7 after 3 wrong keys → \(limitedClient) (/ws: \(limitedSocket.first ?? "none")), \
                client 203.0.113.8 → \(otherClient); untrusted 127.0.0.2 claiming 203.0.113.10 after 3 wrong keys → \(spoofed)
                """)
            #expect(limitedClient == "429")
            #expect(limitedSocket.first?.contains(#""code":"4029""#) == true)
            #expect(otherClient == "200")
            #expect(spoofed == "429")
        }
    }
}

/// Samples a process's resident memory every 50 ms until stopped; returns the highest.
final class PeakSampler: Sendable {
    private let task: Task<Int, Never>

    init(pid: Int32) {
        task = Task {
            var peak = residentBytes(pid: pid)
            while !Task.isCancelled {
                peak = max(peak, residentBytes(pid: pid))
                try? await Task.sleep(for: .milliseconds(50))
            }
            return peak
        }
    }

    func stop() async -> Int {
        task.cancel()
        return await task.value
    }
}
