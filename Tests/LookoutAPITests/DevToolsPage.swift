import Foundation
import HummingbirdWSClient
import Logging
import LookoutTestSupport
import NIOCore
import Synchronization

/// One page of a browser, driven through the Chrome DevTools protocol over a WebSocket: send a
/// command, await its reply by id. Events (messages without an id) are ignored.
final class DevToolsPage: Sendable {
    private let outgoing: AsyncStream<String>.Continuation
    private let pending = PendingReplies()
    private let nextID = Atomic<Int>(0)
    private let task: Task<Void, any Error>

    init(url: String) {
        let (messages, outgoing) = AsyncStream.makeStream(of: String.self)
        self.outgoing = outgoing
        var logger = Logger(label: "lookout.test.devtools")
        logger.logLevel = .critical
        let pending = self.pending
        task = Task {
            do {
                try await Self.run(url: url, messages: messages, pending: pending, logger: logger)
            } catch {
                pending.failAll("the DevTools connection failed: \(error)")
            }
        }
    }

    /// Holds the connection: writes what `send` queues, resumes each reply's waiter.
    private static func run(url: String, messages: AsyncStream<String>, pending: PendingReplies, logger: Logger) async throws {
        let frame = try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 64 << 20), logger: logger) { inbound, outbound, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await text in messages { try await outbound.write(.text(text)) }
                }
                for try await message in inbound.messages(maxSize: 128 << 20) {
                    guard case .text(let text) = message,
                        let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], let id = object["id"] as? Int
                    else { continue }
                    pending.take(id)?.resume(returning: text)
                }
                group.cancelAll()
            }
        }
        throw BrowserError("closed by the browser: \(String(describing: frame))")
    }

    deinit {
        outgoing.finish()
        task.cancel()
    }

    /// Sends a command and returns its `result` (throws with the protocol's error message).
    @discardableResult
    func send(_ method: String, _ params: [String: any Sendable] = [:], timeout: Duration = .seconds(20)) async throws -> [String: Any] {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let text = String(decoding: try JSONSerialization.data(withJSONObject: ["id": id, "method": method, "params": params]), as: UTF8.self)
        let reply: String = try await withTimeLimit(timeout) { [pending, outgoing] in
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    pending.add(id, continuation)
                    outgoing.yield(text)
                }
            } onCancel: {
                pending.take(id)?.resume(throwing: CancellationError())
            }
        }
        let object = (try JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any]) ?? [:]
        if let error = object["error"] as? [String: Any] { throw BrowserError("\(method): \(error["message"] ?? error)") }
        return object["result"] as? [String: Any] ?? [:]
    }

    /// Evaluates JavaScript in the page (awaiting a promise) and returns its value as JSON
    /// would: String, NSNumber, Bool, arrays, dictionaries, or nil.
    func evaluate(_ expression: String) async throws -> Any? {
        let result = try await send("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        if let exception = result["exceptionDetails"] as? [String: Any] {
            let description = (exception["exception"] as? [String: Any])?["description"] ?? exception["text"] ?? "?"
            throw BrowserError("JavaScript failed: \(description)\n\(expression)")
        }
        return (result["result"] as? [String: Any])?["value"]
    }

    func string(_ expression: String) async throws -> String { try await evaluate(expression) as? String ?? "" }

    func navigate(_ url: String) async throws {
        try await send("Page.enable")
        try await send("Page.navigate", ["url": url])
    }

    /// Waits until `expression` is true in the page; returns how long that took, or nil.
    func waitFor(_ expression: String, timeout: Duration = .seconds(10)) async -> Duration? {
        let started = ContinuousClock.now
        let held = await eventually(timeout: timeout, every: .milliseconds(25)) { (try? await self.evaluate(expression) as? Bool) == true }
        return held ? ContinuousClock.now - started : nil
    }

    /// A PNG of the viewport.
    func screenshot() async throws -> Data {
        let result = try await send("Page.captureScreenshot", ["format": "png", "captureBeyondViewport": false])
        guard let base64 = result["data"] as? String, let data = Data(base64Encoded: base64) else {
            throw BrowserError("no screenshot data")
        }
        return data
    }
}

/// Commands waiting for their reply, by id.
final class PendingReplies: Sendable {
    private let state = Mutex<[Int: CheckedContinuation<String, any Error>]>([:])

    func add(_ id: Int, _ continuation: CheckedContinuation<String, any Error>) { state.withLock { $0[id] = continuation } }
    func take(_ id: Int) -> CheckedContinuation<String, any Error>? { state.withLock { $0.removeValue(forKey: id) } }

    func failAll(_ reason: String) {
        let waiting = state.withLock { state in
            defer { state.removeAll() }
            return Array(state.values)
        }
        for continuation in waiting { continuation.resume(throwing: BrowserError(reason)) }
    }
}

struct BrowserError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
