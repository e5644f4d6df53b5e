import HummingbirdWebSocket
import LookoutCore
import NIOWebSocket

/// The outbound side of one socket, with Lookout's close codes and message types.
struct WebSocketConnection: Sendable {
    let outbound: WebSocketOutboundWriter

    func send(_ message: ServerMessage) async throws {
        try await outbound.writeTextMessage(message.json)
    }

    func send(json: String) async throws {
        try await outbound.writeTextMessage(json)
    }

    /// Sends a close frame; errors mean the socket is already gone, which is fine.
    func close(_ code: CloseCode) async {
        try? await outbound.close(WebSocketErrorCode(codeNumber: Int(code.rawValue)), reason: code.reason)
    }

    /// Tells the client why, then closes.
    func reject(_ code: CloseCode, error: String) async {
        try? await send(.authError(code: String(code.rawValue), error: error))
        await close(code)
    }
}
