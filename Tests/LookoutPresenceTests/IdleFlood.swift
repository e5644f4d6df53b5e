import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// `count` TCP connections to the gateway from one local address that never send a byte. It
/// records, per connection, whether the gateway answered (a refusal) and how long it kept the
/// ones it did not answer.
final class IdleFlood: Sendable {
    struct Tally: Sendable {
        var connectFailures = 0
        /// Connections the gateway answered (and closed), with one answer as an example.
        var answered = 0
        var exampleAnswer = ""
        /// How long each unanswered connection stayed open, once the gateway closed it.
        var idleLifetimes: [Duration] = []
    }

    let tally = Mutex(Tally())
    private let channels = Mutex<[any Channel]>([])

    static func open(count: Int, port: Int, from source: String) async -> IdleFlood {
        let flood = IdleFlood()
        let local = try! SocketAddress(ipAddress: source, port: 0)
        @Sendable func connect() async throws -> any Channel {
            try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(5))
                .bind(to: local)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Watcher(flood: flood)) }
                }
                .connect(host: "127.0.0.1", port: port).get()
        }
        for start in stride(from: 0, to: count, by: 250) {
            await withTaskGroup(of: Void.self) { group in
                for _ in start..<min(start + 250, count) {
                    group.addTask {
                        do {
                            let channel = try await connect()
                            flood.channels.withLock { $0.append(channel) }
                        } catch {
                            flood.tally.withLock { $0.connectFailures += 1 }
                        }
                    }
                }
            }
        }
        return flood
    }

    var open: Int { channels.withLock { $0.filter(\.isActive).count } }

    func close() async {
        for channel in channels.withLock({ $0 }) { try? await channel.close() }
    }

    private final class Watcher: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let flood: IdleFlood
        let opened = Mutex(ContinuousClock.now)
        let answered = Mutex(false)

        init(flood: IdleFlood) { self.flood = flood }

        func channelActive(context: ChannelHandlerContext) {
            opened.withLock { $0 = .now }
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let text = String(buffer: unwrapInboundIn(data))
            guard answered.withLock({ let first = !$0; $0 = true; return first }) else { return }
            flood.tally.withLock {
                $0.answered += 1
                if $0.exampleAnswer.isEmpty { $0.exampleAnswer = text }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            if !answered.withLock({ $0 }) {
                let lifetime = ContinuousClock.now - opened.withLock { $0 }
                flood.tally.withLock { $0.idleLifetimes.append(lifetime) }
            }
            context.fireChannelInactive()
        }
    }
}

/// The gateway process's resident memory, from /proc.
func residentBytes(pid: Int32) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return 0 }
    return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
}
