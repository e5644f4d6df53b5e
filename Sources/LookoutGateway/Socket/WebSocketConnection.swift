import LookoutCore
import NIOCore

/// One `/ws` socket as tasks see it (admission, dashboards, closing from elsewhere): writes and
/// closes go through the channel to ``WebSocketTextHandler``, on the socket's event loop.
struct WebSocketConnection: Sendable {
    let channel: any Channel

    func send(_ message: ServerMessage) async throws {
        try await send(json: message.json)
    }

    /// Completes when the message is written; fails once the socket is closing or closed.
    func send(json: String) async throws {
        try await channel.writeAndFlush(json).get()
    }

    /// Sends a close frame (the socket closes when the client answers, or after the close
    /// timeout); does nothing if the socket is already closing or gone.
    func close(_ code: CloseCode) async {
        await close(WebSocketTextHandler.Close(code: code.rawValue, reason: code.reason))
    }

    /// ``close(_:)`` without waiting for the close frame to be written: for closing many
    /// sockets at once (shutdown) or from code that must not wait.
    func startClose(_ code: CloseCode) {
        channel.triggerUserOutboundEvent(WebSocketTextHandler.Close(code: code.rawValue, reason: code.reason), promise: nil)
    }

    /// Closes with 1000: the gateway is done with the socket.
    func finish() async {
        await close(WebSocketTextHandler.Close(code: 1000, reason: ""))
    }

    /// Tells the client why, then closes.
    func reject(_ code: CloseCode, error: String) async {
        try? await send(.authError(code: String(code.rawValue), error: error))
        await close(code)
    }

    private func close(_ event: WebSocketTextHandler.Close) async {
        try? await channel.triggerUserOutboundEvent(event).get()
    }
}
