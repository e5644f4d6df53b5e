import Foundation
import HummingbirdWebSocket
import Logging
import LookoutCore
import LookoutStore
import Synchronization

/// Runs one `/ws` connection: waits for the first message (within the auth timeout), which
/// makes it an NVR agent or a dashboard, then hands it to that role's loop.
///
/// An NVR's heartbeat loop runs after the auth timer's task group has ended, in the shallowest
/// frame this connection's task has: the task keeps the stack it needed at its deepest for as
/// long as the socket is open, and NVR sockets are the thousands (docs/benchmarks.md, gateway).
struct GatewaySocketHandler: Sendable {
    let configuration: GatewayConfiguration
    let nvrHandler: NVRSocketHandler
    let dashboardHandler: DashboardSocketHandler

    func handle(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, logger: Logger) async throws {
        let connection = WebSocketConnection(outbound: outbound)
        var messages = inbound.messages(maxSize: configuration.maxMessageSize).makeAsyncIterator()
        let introduced = FirstMessageFlag()
        let admitted: NVRSocketHandler.Admitted? = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await Task.sleep(for: configuration.authTimeout)
                if !introduced.isSet { await connection.close(.authTimeout) }
            }
            defer { group.cancelAll() }
            var errors = 0
            while let message = try await messages.next() {
                guard case .text(let text) = message else {
                    await connection.close(.unsupportedData)
                    return nil
                }
                let decoded: ClientMessage
                do {
                    decoded = try ClientMessage.decode(text)
                } catch let error as ProtocolError {
                    errors += 1
                    guard errors < configuration.maxConsecutiveErrors else {
                        await connection.close(.tooManyErrors)
                        return nil
                    }
                    try await connection.send(.error(code: error.code.rawValue, message: error.message))
                    continue
                }
                switch decoded {
                case .heartbeat:
                    await connection.close(.notAuthenticated)
                    return nil
                case .auth(let hostname, let token):
                    // The client's part is done: what follows is ours (PostgreSQL, Redis), and a
                    // burst of reconnects must not time out in our queue and come back as a
                    // retry storm.
                    introduced.set()
                    // A child task does the one-time deep work (PostgreSQL, Redis), so its stack
                    // is freed when it ends instead of staying with this connection's task.
                    async let admission = nvrHandler.admit(
                        hostname: hostname, token: token, connection: connection, logger: logger)
                    return try await admission
                case .dashboard(let token, let lastSeq):
                    introduced.set()
                    try await dashboardHandler.run(
                        token: token, lastSeq: lastSeq, messages: &messages, connection: connection, logger: logger)
                    return nil
                }
            }
            return nil
        }
        if let admitted {
            try await nvrHandler.serve(admitted, messages: &messages, connection: connection)
        }
    }
}

/// Set once the first message (`auth` or `dashboard`) arrived; the auth timer reads it: 4002
/// means "no first message within 10 s" (docs/protocol.md).
final class FirstMessageFlag: Sendable {
    private let value = Atomic(false)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func set() { value.store(true, ordering: .relaxed) }
}
