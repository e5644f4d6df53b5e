import NIOCore
import Synchronization

/// The gateway's listening socket. It accepts up to ``acceptBurst`` connections per event-loop
/// wake-up (NIO's default is 4, which Hummingbird does not expose): in a reconnect storm of
/// 19,000 agents, 4 per wake-up left the accept queue full while the event loop served the
/// sockets already open, and the attempts the kernel dropped came back only after the agents'
/// backoff. It keeps accepting while the gateway drains: `/readyz` must answer the load
/// balancer's checks (503), and a socket that arrives is told 1012 at once, instead of waiting
/// in the kernel's backlog until the process exits. The socket itself is closed by
/// Hummingbird's own shutdown, last.
final class GatewayListener: Sendable {
    private let channel = Mutex<(any Channel)?>(nil)

    static let acceptBurst = 256

    func set(_ channel: any Channel) async {
        self.channel.withLock { $0 = channel }
        try? await channel.setOption(ChannelOptions.maxMessagesPerRead, value: UInt(Self.acceptBurst)).get()
    }
}
