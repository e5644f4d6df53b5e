import Foundation
import HummingbirdWebSocket
import Logging
import LookoutCore
import LookoutStore
import Synchronization

/// Runs one `/ws` connection: waits for the first message (within the auth timeout), which
/// makes it an NVR agent or a dashboard, then hands it to that role's loop.
struct GatewaySocketHandler: Sendable {
    let configuration: GatewayConfiguration
    let nvrHandler: NVRSocketHandler
    let dashboardHandler: DashboardSocketHandler

    func handle(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, logger: Logger) async throws {
        let connection = WebSocketConnection(outbound: outbound)
        var messages = inbound.messages(maxSize: configuration.maxMessageSize).makeAsyncIterator()
        let authenticated = AuthFlag()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await Task.sleep(for: configuration.authTimeout)
                if !authenticated.isSet { await connection.close(.authTimeout) }
            }
            defer { group.cancelAll() }
            var errors = 0
            while let message = try await messages.next() {
                guard case .text(let text) = message else {
                    await connection.close(.unsupportedData)
                    return
                }
                let decoded: ClientMessage
                do {
                    decoded = try ClientMessage.decode(text)
                } catch let error as ProtocolError {
                    errors += 1
                    guard errors < configuration.maxConsecutiveErrors else { return await connection.close(.tooManyErrors) }
                    try await connection.send(.error(code: error.code.rawValue, message: error.message))
                    continue
                }
                switch decoded {
                case .heartbeat:
                    return await connection.close(.notAuthenticated)
                case .auth(let hostname, let token):
                    try await nvrHandler.run(
                        hostname: hostname, token: token, messages: &messages, connection: connection, authenticated: authenticated, logger: logger)
                    return
                case .dashboard(let token, let lastSeq):
                    try await dashboardHandler.run(
                        token: token, lastSeq: lastSeq, messages: &messages, connection: connection, authenticated: authenticated, logger: logger)
                    return
                }
            }
        }
    }
}

/// Set once the first message authenticated; the auth timer reads it.
final class AuthFlag: Sendable {
    private let value = Atomic(false)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func set() { value.store(true, ordering: .relaxed) }
}
