import NIOCore
import Synchronization

/// The gateway's listening socket. It accepts up to ``acceptBurst`` connections per event-loop
/// wake-up (NIO's default is 4, which Hummingbird does not expose): in a reconnect storm of
/// 19,000 agents, 4 per wake-up left the accept queue full while the event loop served the
/// sockets already open, and the attempts the kernel dropped came back only after the agents'
/// backoff. It is paused first on shutdown: while the NVR sockets drain, no
/// connection is accepted, so a reconnecting agent is not upgraded by a process about to exit
/// and told to go away again. Connections that arrive meanwhile wait in the kernel's backlog
/// and are reset when the process exits. The socket itself is closed by Hummingbird's own
/// shutdown, last (closing it here makes that shutdown log an error).
final class GatewayListener: Sendable {
    private let channel = Mutex<(any Channel)?>(nil)

    static let acceptBurst = 256

    func set(_ channel: any Channel) async {
        self.channel.withLock { $0 = channel }
        try? await channel.setOption(ChannelOptions.maxMessagesPerRead, value: UInt(Self.acceptBurst)).get()
    }

    /// Stops accepting connections; the open ones are untouched.
    func pause() async {
        guard let channel = self.channel.withLock({ $0 }) else { return }
        try? await channel.setOption(ChannelOptions.autoRead, value: false).get()
    }
}
