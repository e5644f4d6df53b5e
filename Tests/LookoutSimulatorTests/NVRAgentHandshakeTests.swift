import Foundation
import Logging
import Testing

@testable import LookoutSimulator

/// A gateway that takes the TCP connection but never answers the WebSocket upgrade (one that
/// is shutting down, or whose accept queue overflowed) must not hold an agent forever.
@Suite(.serialized, .timeLimit(.minutes(1))) struct NVRAgentHandshakeTests {
    @Test func anUnansweredUpgradeFailsWithinTheHandshakeTimeout() async throws {
        let listener = try SilentListener()
        defer { listener.close() }
        var agent = NVRAgent(hostname: "nvr-1", token: "t", gatewayURL: "ws://127.0.0.1:\(listener.port)/ws", logger: Logger(label: "test"))
        agent.handshakeTimeout = .milliseconds(500)
        let started = ContinuousClock.now
        let error = await #expect(throws: NVRAgentError.self) { try await agent.run() }
        guard case .connectionFailed(_, let reason)? = error else {
            Issue.record("expected connectionFailed, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("no WebSocket upgrade"))
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func anAbandonedAttemptCountsAsLingeringUntilItsSocketEnds() async throws {
        let listener = try SilentListener()
        var agent = NVRAgent(hostname: "nvr-1", token: "t", gatewayURL: "ws://127.0.0.1:\(listener.port)/ws", logger: Logger(label: "test"))
        agent.handshakeTimeout = .milliseconds(300)
        agent.lingering = LingeringAttempts()
        await #expect(throws: NVRAgentError.self) { try await agent.run() }
        // The attempt failed, but its task still waits on the upgrade and holds the socket.
        #expect(agent.lingering.value == 1)
        // Closing the listener resets the queued connection: the task ends and is uncounted.
        listener.close()
        for _ in 0..<100 where agent.lingering.value != 0 {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(agent.lingering.value == 0)
    }
}

/// A listening socket whose connections the kernel completes but nobody ever reads.
private final class SilentListener: Sendable {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Foundation.close(descriptor) }
}
