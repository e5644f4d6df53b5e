import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket
import Synchronization

/// A raw WebSocket client for tests: send any frame, read replies with a time limit, and learn
/// the close code the gateway chose.
final class TestSocket: Sendable {
    enum Outgoing: Sendable {
        case text(String)
        case binary([UInt8])
        case close
    }

    private let outgoing: AsyncStream<Outgoing>.Continuation
    private let incoming: AsyncStream<String>
    private let task: Task<WebSocketCloseFrame?, any Error>

    init(port: Int) {
        let (outStream, outgoing) = AsyncStream.makeStream(of: Outgoing.self)
        let (incoming, received) = AsyncStream.makeStream(of: String.self)
        self.outgoing = outgoing
        self.incoming = incoming
        var logger = Logger(label: "lookout.test.ws")
        logger.logLevel = .critical
        task = Task {
            defer { received.finish() }
            return try await WebSocketClient.connect(
                url: "ws://127.0.0.1:\(port)/ws", configuration: .init(maxFrameSize: 1 << 20), logger: logger
            ) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await item in outStream {
                            switch item {
                            case .text(let text): try await outbound.write(.text(text))
                            case .binary(let bytes): try await outbound.write(.binary(ByteBuffer(bytes: bytes)))
                            case .close: try await outbound.close(.normalClosure, reason: nil)
                            }
                        }
                    }
                    for try await message in inbound.messages(maxSize: 1 << 22) {
                        if case .text(let text) = message { received.yield(text) }
                    }
                    group.cancelAll()
                }
            }
        }
    }

    func send(_ text: String) { outgoing.yield(.text(text)) }
    func send(json object: [String: any Sendable]) {
        send(String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self))
    }
    func sendBinary(_ bytes: [UInt8]) { outgoing.yield(.binary(bytes)) }
    func close() { outgoing.yield(.close) }

    /// The next text message, or nil if none arrives in time (or the socket closed).
    func receive(within limit: Duration = .seconds(5)) async -> String? {
        let incoming = self.incoming
        return await withTaskGroup(of: String?.self) { group in
            group.addTask {
                var iterator = incoming.makeAsyncIterator()
                return await iterator.next()
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// The next message parsed as a JSON object.
    func receiveJSON(within limit: Duration = .seconds(5)) async -> [String: Any]? {
        guard let text = await receive(within: limit) else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    /// Waits for the socket to end; returns the close code the gateway sent, or nil when it is
    /// still open after `limit`. (Awaiting `task.value` cannot be cancelled, so a task group
    /// would wait for the socket to end even after the limit: the first of the two resumes.)
    func closeCode(within limit: Duration = .seconds(10)) async -> UInt16? {
        let task = self.task
        let resumed = Mutex(false)
        return await withCheckedContinuation { (continuation: CheckedContinuation<UInt16?, Never>) in
            let resume: @Sendable (UInt16?) -> Void = { code in
                guard resumed.withLock({ done in defer { done = true }; return !done }) else { return }
                continuation.resume(returning: code)
            }
            let waiter = Task {
                let frame = try? await task.value
                resume(frame.map { Self.number($0.closeCode) })
            }
            Task {
                try? await Task.sleep(for: limit)
                resume(nil)
                _ = waiter
            }
        }
    }

    /// Stops the client without a close frame (the test's "process died").
    func abandon() { task.cancel() }

    static func number(_ code: WebSocketErrorCode) -> UInt16 {
        switch code {
        case .normalClosure: 1000
        case .goingAway: 1001
        case .protocolError: 1002
        case .unacceptableData: 1003
        case .dataInconsistentWithMessage: 1007
        case .policyViolation: 1008
        case .messageTooLarge: 1009
        case .missingExtension: 1010
        case .unexpectedServerError: 1011
        case .unknown(let value): value
        }
    }
}
