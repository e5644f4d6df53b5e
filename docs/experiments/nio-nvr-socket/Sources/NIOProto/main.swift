// Experiment: memory per idle NVR-like WebSocket when each connection is a NIO channel handler
// (no Swift task while idle). Replies auth_ok to the first text frame, heartbeat_ack after.
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

final class NVRFrameHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame
    var authed = false
    var hostname = ""
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            var data = frame.unmaskedData
            let text = data.readString(length: data.readableBytes) ?? ""
            let reply: String
            if !authed {
                authed = true
                hostname = text
                reply = #"{"type":"auth_ok","session":"s","heartbeatInterval":10}"#
            } else {
                reply = #"{"type":"heartbeat_ack","serverTime":0}"#
            }
            let buffer = context.channel.allocator.buffer(string: reply)
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: buffer)), promise: nil)
        case .connectionClose:
            context.close(promise: nil)
        case .ping:
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        default:
            break
        }
    }
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
let upgrader = NIOWebSocketServerUpgrader(
    maxFrameSize: 65536, shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture([:]) },
    upgradePipelineHandler: { channel, _ in channel.pipeline.addHandler(NVRFrameHandler()) })
let bootstrap = ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 4096)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelInitializer { channel in
        channel.pipeline.configureHTTPServerPipeline(withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
    }
let port = Int(CommandLine.arguments.dropFirst().first ?? "18090") ?? 18090
let channel = try bootstrap.bind(host: "127.0.0.1", port: port).wait()
print("listening on \(port)")
try channel.closeFuture.wait()
