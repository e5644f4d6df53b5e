import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import LookoutGateway

/// The WebSocket layer of `/ws` on an embedded channel: what reaches the gateway's handler, and
/// what goes back to the client, frame by frame.
struct WebSocketTextHandlerTests {
    @Test func fragmentsArriveAsOneMessageAndPingsAreAnswered() throws {
        let socket = try Socket()
        try socket.receive(.text, "{\"type\":", fin: false)
        try socket.receive(.ping, "p1")
        try socket.receive(.continuation, "\"heartbeat\"}")
        #expect(try socket.channel.readInbound(as: String.self) == #"{"type":"heartbeat"}"#)
        let pong = try #require(try socket.sent())
        #expect(pong.opcode == .pong)
        #expect(String(buffer: pong.data) == "p1")
    }

    @Test(arguments: [
        (WebSocketOpcode.binary, [UInt8]([1, 2, 3]), UInt16(1003)),
        (.text, [0xC3, 0x28], 1007),
        (.continuation, Array("x".utf8), 1002),
    ])
    func badFramesAreAnsweredWithTheirCloseCode(opcode: WebSocketOpcode, bytes: [UInt8], code: UInt16) throws {
        let socket = try Socket()
        try socket.receive(opcode, bytes)
        #expect(try socket.channel.readInbound(as: String.self) == nil)
        #expect(try socket.sentCloseCode() == code)
        // Nothing after the close frame reaches the gateway, and the client's answer ends it.
        try socket.receive(.text, "{}")
        #expect(try socket.channel.readInbound(as: String.self) == nil)
        try socket.receive(.connectionClose, [0x03, 0xE8])
        #expect(!socket.channel.isActive)
    }

    @Test func aFragmentedMessageOverTheLimitIsClosedWith1009() throws {
        let socket = try Socket(maxMessageSize: 10)
        try socket.receive(.text, "12345678", fin: false)
        try socket.receive(.continuation, "9012")
        #expect(try socket.channel.readInbound(as: String.self) == nil)
        #expect(try socket.sentCloseCode() == 1009)
    }

    @Test func aCloseWeStartWaitsForTheClientThenTimesOut() throws {
        let socket = try Socket()
        try socket.channel.writeAndFlush("before").wait()
        #expect(try socket.sent().map { String(buffer: $0.data) } == "before")
        socket.channel.triggerUserOutboundEvent(WebSocketTextHandler.Close(code: 4005, reason: "heartbeat timeout"), promise: nil)
        let close = try #require(try socket.sent())
        var data = close.data
        #expect(data.readInteger(as: UInt16.self) == 4005)
        #expect(String(buffer: data) == "heartbeat timeout")
        // Writes after the close frame fail; the socket stays open for the client's answer…
        #expect(throws: WebSocketTextHandler.ClosingError.self) { try socket.channel.writeAndFlush("after").wait() }
        socket.loop.advanceTime(by: .milliseconds(999))
        #expect(socket.channel.isActive)
        // …and is cut when it does not come.
        socket.loop.advanceTime(by: .milliseconds(1))
        #expect(!socket.channel.isActive)
    }

    @Test func aCloseFromTheClientIsEchoedAndEndsTheSocket() throws {
        let socket = try Socket()
        try socket.receive(.connectionClose, [0x03, 0xE9, 0x62, 0x79, 0x65])
        #expect(try socket.sentCloseCode() == 1001)
        #expect(!socket.channel.isActive)
    }

    @Test func anUnansweredPingClosesTheSocketAtTheNextOne() throws {
        let socket = try Socket()
        socket.channel.triggerUserOutboundEvent(WebSocketTextHandler.StartPinging(interval: .seconds(30)), promise: nil)
        socket.loop.advanceTime(by: .seconds(30))
        let ping = try #require(try socket.sent())
        #expect(ping.opcode == .ping)
        try socket.receive(.pong, Array(ping.data.readableBytesView))
        socket.loop.advanceTime(by: .seconds(30))
        #expect(try socket.sent()?.opcode == .ping)
        #expect(socket.channel.isActive)
        // This one is not answered.
        socket.loop.advanceTime(by: .seconds(30))
        #expect(try socket.sentCloseCode() == 1001)
        #expect(!socket.channel.isActive)
    }
}

/// An embedded channel with the handler, as the client sees it.
private struct Socket {
    let channel: EmbeddedChannel
    var loop: EmbeddedEventLoop { channel.embeddedEventLoop }

    init(maxMessageSize: Int = 65_536) throws {
        channel = EmbeddedChannel(handler: WebSocketTextHandler(maxMessageSize: maxMessageSize, closeTimeout: .seconds(1)))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    }

    func receive(_ opcode: WebSocketOpcode, _ text: String, fin: Bool = true) throws {
        try receive(opcode, Array(text.utf8), fin: fin)
    }

    func receive(_ opcode: WebSocketOpcode, _ bytes: [UInt8], fin: Bool = true) throws {
        try channel.writeInbound(WebSocketFrame(fin: fin, opcode: opcode, data: ByteBuffer(bytes: bytes)))
    }

    func sent() throws -> WebSocketFrame? {
        try channel.readOutbound(as: WebSocketFrame.self)
    }

    func sentCloseCode() throws -> UInt16? {
        guard var frame = try sent(), frame.opcode == .connectionClose else { return nil }
        return frame.data.readInteger(as: UInt16.self)
    }
}
