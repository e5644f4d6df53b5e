import NIOCore
import Synchronization

/// The gateway's listening socket, paused first on shutdown: while the NVR sockets drain, no
/// connection is accepted, so a reconnecting agent is not upgraded by a process about to exit
/// and told to go away again. Connections that arrive meanwhile wait in the kernel's backlog
/// and are reset when the process exits. The socket itself is closed by Hummingbird's own
/// shutdown, last (closing it here makes that shutdown log an error).
final class GatewayListener: Sendable {
    private let channel = Mutex<(any Channel)?>(nil)

    func set(_ channel: any Channel) {
        self.channel.withLock { $0 = channel }
    }

    /// Stops accepting connections; the open ones are untouched.
    func pause() async {
        guard let channel = self.channel.withLock({ $0 }) else { return }
        try? await channel.setOption(ChannelOptions.autoRead, value: false).get()
    }
}
