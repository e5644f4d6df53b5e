import Foundation
import NIOCore
import NIOPosix

/// Sends `request` as it is on a new TCP connection and returns everything the server answers
/// until it closes the connection (or `limit` passes): for requests no HTTP client would send.
func rawHTTP(port: Int, from source: String? = nil, _ request: String, within limit: TimeAmount = .seconds(5)) async throws -> String {
    try await withRawConnection(port: port, from: source, within: limit) { inbound, outbound in
        try await outbound.write(ByteBuffer(string: request.replacingOccurrences(of: "\n", with: "\r\n")))
        var answer = ""
        for try await buffer in inbound { answer += String(buffer: buffer) }
        return answer
    }
}

/// Upgrades `/ws`, then sends `messages` as masked text frames in one TCP write (so the gateway
/// reads them in one go), and returns the first `replies` text messages it answers.
func rawWebSocket(
    port: Int, from source: String? = nil, headers: String = "", sending messages: [String], replies: Int, within limit: TimeAmount = .seconds(5)
) async throws -> [String] {
    try await withRawConnection(port: port, from: source, within: limit) { inbound, outbound in
        try await outbound.write(
            ByteBuffer(
                string: "GET /ws HTTP/1.1\r\nHost: gw\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" + headers
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"))
        var received = ByteBuffer()
        var upgraded = false
        var texts: [String] = []
        for try await var buffer in inbound {
            received.writeBuffer(&buffer)
            if !upgraded, let end = received.readableBytesView.firstRange(of: Array("\r\n\r\n".utf8)) {
                received.moveReaderIndex(to: end.upperBound)
                upgraded = true
                var frames = ByteBuffer()
                for message in messages {
                    let mask: [UInt8] = [1, 2, 3, 4]
                    let payload = Array(message.utf8)
                    precondition(payload.count < 126)
                    frames.writeBytes([0x81, 0x80 | UInt8(payload.count)] + mask)
                    frames.writeBytes(payload.enumerated().map { $0.element ^ mask[$0.offset % 4] })
                }
                try await outbound.write(frames)
            }
            // Server frames: unmasked, text, short.
            while upgraded, received.readableBytes >= 2, let length = received.getInteger(at: received.readerIndex + 1, as: UInt8.self),
                length < 126, received.readableBytes >= 2 + Int(length)
            {
                received.moveReaderIndex(forwardBy: 2)
                texts.append(received.readString(length: Int(length)) ?? "")
                if texts.count == replies { return texts }
            }
        }
        return texts
    }
}

/// A TCP connection to the gateway (from the local address `source`, e.g. 127.0.0.2, when
/// given) for `body`, closed after it or after `limit`, whichever is first.
private func withRawConnection<Result: Sendable>(
    port: Int, from source: String? = nil, within limit: TimeAmount,
    _ body: (NIOAsyncChannelInboundStream<ByteBuffer>, NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws -> Result
) async throws -> Result {
    var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connectTimeout(limit)
    if let source { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0)) }
    let channel = try await bootstrap
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
        }
    let timeout = channel.channel.eventLoop.scheduleTask(in: limit) { channel.channel.close(promise: nil) }
    defer { timeout.cancel() }
    return try await channel.executeThenClose { inbound, outbound in try await body(inbound, outbound) }
}
