import Foundation

/// A `/ws` client that writes and never reads a byte: it upgrades, sends `first` (its `auth`
/// or `dashboard`), then `frames` over and over, with a small receive buffer so what the gateway
/// answers backs up at once. Blocking POSIX calls on a thread of its own.
struct NeverReadingPeer {
    struct Outcome: Sendable {
        /// Whether the gateway closed the connection before the time was up.
        var closedByGateway: Bool
        var elapsed: Duration
        var bytesSent: Int
    }

    let port: Int

    func run(first: String, frames: [[UInt8]], for limit: Duration) async -> Outcome {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: runBlocking(first: first, frames: frames, limit: limit)) }.start()
        }
    }

    /// A masked client frame (RFC 6455): `opcode` 0x1 text, 0x9 ping; payload under 126 bytes.
    static func frame(opcode: UInt8, _ payload: [UInt8]) -> [UInt8] {
        precondition(payload.count < 126)
        let mask: [UInt8] = [0x37, 0xfa, 0x21, 0x3d]
        return [0x80 | opcode, 0x80 | UInt8(payload.count)] + mask + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
    }

    private func runBlocking(first: String, frames: [[UInt8]], limit: Duration) -> Outcome {
        let start = ContinuousClock.now
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Foundation.close(fd) }
        var small: Int32 = 4096
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        // A send blocked by a gateway that stopped reading returns, so the clock is checked.
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return Outcome(closedByGateway: false, elapsed: .zero, bytesSent: 0) }
        let upgrade =
            "GET /ws HTTP/1.1\r\nHost: gw\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        var bytesSent = 0
        var burst = Array(upgrade.utf8) + Self.frame(opcode: 0x1, Array(first.utf8))
        var pending = burst[...]
        while ContinuousClock.now - start < limit {
            if pending.isEmpty {
                burst = frames.flatMap { $0 }
                pending = burst[...]
            }
            let sent = pending.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent > 0 {
                bytesSent += sent
                pending = pending.dropFirst(sent)
            } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                return Outcome(closedByGateway: true, elapsed: ContinuousClock.now - start, bytesSent: bytesSent)
            }
        }
        return Outcome(closedByGateway: false, elapsed: ContinuousClock.now - start, bytesSent: bytesSent)
    }
}
