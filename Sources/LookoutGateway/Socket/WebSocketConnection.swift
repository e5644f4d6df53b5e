import LookoutCore
import NIOCore

/// One `/ws` socket as tasks see it (admission, dashboards, closing from elsewhere): writes and
/// closes go through the channel to ``WebSocketTextHandler``, on the socket's event loop.
struct WebSocketConnection: Sendable {
    let channel: any Channel

    func send(_ message: ServerMessage) async throws {
        try await send(json: message.json)
    }

    /// Queues the message on the socket. It waits for the write only while the socket's
    /// outbound buffer is over its high-water mark (NIO's 64 KiB): a dashboard that keeps up is
    /// not held to one event-loop round trip per notification (that cost 5× in p99 at 2,000
    /// events/s, docs/benchmarks.md), one that does not is slowed to its own pace, and its hub
    /// queue then overflows (4009). Fails once the socket is closed.
    func send(json: String) async throws {
        guard channel.isActive else { throw ChannelError.ioOnClosedChannel }
        let written = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(json, promise: written)
        if !channel.isWritable { try await written.futureResult.get() }
    }

    /// Sends a close frame (the socket closes when the client answers, or after the close
    /// timeout); does nothing if the socket is already closing or gone.
    func close(_ code: CloseCode) async {
        await close(WebSocketTextHandler.Close(code))
    }

    /// ``close(_:)`` without waiting for the close frame to be written: for closing from code
    /// that must not wait (shutdown's drain, the hub's fan-out, a session replaced or revoked).
    func startClose(_ code: CloseCode) {
        channel.triggerUserOutboundEvent(WebSocketTextHandler.Close(code), promise: nil)
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
