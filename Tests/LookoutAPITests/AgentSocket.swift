import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket
import Synchronization
import LookoutTestSupport

/// An NVR agent for tests: authenticates on `/ws`, then sends a heartbeat every second;
/// `closeCode()` tells how the gateway ended the connection.
final class AgentSocket: Sendable {
    private let closing: AsyncStream<Void>.Continuation
    private let incoming: AsyncStream<String>
    private let task: Task<Void, Never>
    /// The close code once the socket ended (0 when it ended without a close frame).
    private let ended = EndedBox()

    init(port: Int, hostname: String, token: String) {
        let (closeRequests, closing) = AsyncStream.makeStream(of: Void.self)
        let (incoming, received) = AsyncStream.makeStream(of: String.self)
        self.closing = closing
        self.incoming = incoming
        var logger = Logger(label: "lookout.test.agent")
        logger.logLevel = .critical
        let auth = String(decoding: try! JSONSerialization.data(withJSONObject: ["type": "auth", "hostname": hostname, "token": token]), as: UTF8.self)
        task = Task { [ended] in
            defer { received.finish() }
            let frame = try? await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/ws", logger: logger) { inbound, outbound, _ in
                try await outbound.write(.text(auth))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: .seconds(1))
                            try? await outbound.write(.text(#"{"type":"heartbeat"}"#))
                        }
                    }
                    group.addTask {
                        for await _ in closeRequests {
                            try await outbound.close(.normalClosure, reason: nil)
                            return
                        }
                    }
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        if case .text(let text) = message { received.yield(text) }
                    }
                    group.cancelAll()
                }
            }
            ended.set(frame.map { Self.number($0.closeCode) } ?? 0)
        }
    }

    /// The first reply's `type` (`auth_ok` when accepted), or nil when none came in time.
    func authReply(within limit: Duration = .seconds(5)) async -> String? {
        let incoming = self.incoming
        let text: String?? = try? await withTimeLimitOrNil(limit) {
            var iterator = incoming.makeAsyncIterator()
            return await iterator.next()
        }
        guard let text = text ?? nil, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return nil }
        return object["type"] as? String
    }

    func close() { closing.yield() }

    /// The close code the gateway sent, or nil when the socket is still open after `limit`.
    func closeCode(within limit: Duration = .seconds(5)) async -> UInt16? {
        _ = await eventually(timeout: limit) { self.ended.code != nil }
        return ended.code
    }

    static func number(_ code: WebSocketErrorCode) -> UInt16 {
        switch code {
        case .unknown(let code): code
        case .goingAway: 1001
        case .normalClosure: 1000
        default: 1
        }
    }

    deinit { task.cancel() }
}

/// `body`'s value, or nil when it takes longer than `limit`.
func withTimeLimitOrNil<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        let first = try await group.next() ?? nil
        group.cancelAll()
        return first
    }
}

/// The close code of an ended socket, set once.
final class EndedBox: Sendable {
    private let value = Mutex<UInt16?>(nil)
    func set(_ code: UInt16) { value.withLock { $0 = code } }
    var code: UInt16? { value.withLock { $0 } }
}
